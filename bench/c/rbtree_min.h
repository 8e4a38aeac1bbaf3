/*
 * lib/rbtree.c's insert and erase, case for case, with an explicit parent pointer and colour
 * (the kernel packs both in __rb_parent_color; the steps are the same). src/binder/rbtree.ts
 * follows the same cases, so the same operations give the same tree shape on both sides.
 */
#ifndef RBTREE_MIN_H
#define RBTREE_MIN_H
#include <stddef.h>

struct rb_node {
	struct rb_node *parent, *left, *right;
	int red;
};
struct rb_root {
	struct rb_node *rb_node;
};
#define rb_left left
#define rb_right right
#define rb_entry(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

static inline void rb_link_node(struct rb_node *node, struct rb_node *parent, struct rb_node **link) {
	node->parent = parent;
	node->left = node->right = NULL;
	node->red = 1;
	*link = node;
}

static inline void rb_change_child(struct rb_root *root, struct rb_node *old, struct rb_node *new,
				   struct rb_node *parent) {
	if (!parent) root->rb_node = new;
	else if (parent->left == old) parent->left = new;
	else parent->right = new;
}

static inline void rb_rotate_set_parents(struct rb_root *root, struct rb_node *old, struct rb_node *new, int red) {
	struct rb_node *parent = old->parent;
	new->parent = parent;
	new->red = old->red;
	old->parent = new;
	old->red = red;
	rb_change_child(root, old, new, parent);
}

static inline int rb_is_red(struct rb_node *n) { return n && n->red; }
static inline int rb_is_black(struct rb_node *n) { return !n || !n->red; }

static void rb_insert_color(struct rb_node *node, struct rb_root *root) {
	struct rb_node *parent = node->parent, *gparent, *tmp;
	for (;;) {
		if (!parent) {
			node->parent = NULL;
			node->red = 0;
			return;
		}
		if (!parent->red) return;
		gparent = parent->parent;
		tmp = gparent->right;
		if (parent != tmp) {
			if (rb_is_red(tmp)) {
				tmp->red = 0;
				parent->red = 0;
				gparent->red = 1;
				node = gparent;
				parent = node->parent;
				continue;
			}
			tmp = parent->right;
			if (node == tmp) {
				tmp = node->left;
				parent->right = tmp;
				node->left = parent;
				if (tmp) {
					tmp->parent = parent;
					tmp->red = 0;
				}
				parent->parent = node;
				parent->red = 1;
				parent = node;
				tmp = node->right;
			}
			gparent->left = tmp;
			parent->right = gparent;
			if (tmp) {
				tmp->parent = gparent;
				tmp->red = 0;
			}
			rb_rotate_set_parents(root, gparent, parent, 1);
			return;
		} else {
			tmp = gparent->left;
			if (rb_is_red(tmp)) {
				tmp->red = 0;
				parent->red = 0;
				gparent->red = 1;
				node = gparent;
				parent = node->parent;
				continue;
			}
			tmp = parent->left;
			if (node == tmp) {
				tmp = node->right;
				parent->left = tmp;
				node->right = parent;
				if (tmp) {
					tmp->parent = parent;
					tmp->red = 0;
				}
				parent->parent = node;
				parent->red = 1;
				parent = node;
				tmp = node->left;
			}
			gparent->right = tmp;
			parent->left = gparent;
			if (tmp) {
				tmp->parent = gparent;
				tmp->red = 0;
			}
			rb_rotate_set_parents(root, gparent, parent, 1);
			return;
		}
	}
}

static struct rb_node *rb_erase_unlink(struct rb_node *node, struct rb_root *root) {
	struct rb_node *child = node->right, *tmp = node->left, *parent, *rebalance, *pp;
	if (!tmp) {
		pp = node->parent;
		rb_change_child(root, node, child, pp);
		if (child) {
			child->parent = pp;
			child->red = node->red;
			rebalance = NULL;
		} else {
			rebalance = node->red ? NULL : pp;
		}
		return rebalance;
	}
	if (!child) {
		pp = node->parent;
		tmp->parent = pp;
		tmp->red = node->red;
		rb_change_child(root, node, tmp, pp);
		return NULL;
	}
	struct rb_node *successor = child, *child2;
	tmp = child->left;
	if (!tmp) {
		parent = successor;
		child2 = successor->right;
	} else {
		do {
			parent = successor;
			successor = tmp;
			tmp = tmp->left;
		} while (tmp);
		child2 = successor->right;
		parent->left = child2;
		successor->right = child;
		child->parent = successor;
	}
	struct rb_node *left = node->left;
	successor->left = left;
	left->parent = successor;
	pp = node->parent;
	int successor_was_red = successor->red;
	rb_change_child(root, node, successor, pp);
	successor->parent = pp;
	successor->red = node->red;
	if (child2) {
		child2->parent = parent;
		child2->red = 0;
		rebalance = NULL;
	} else {
		rebalance = successor_was_red ? NULL : parent;
	}
	return rebalance;
}

static void rb_erase_color(struct rb_node *parent, struct rb_root *root) {
	struct rb_node *node = NULL, *sibling, *tmp1, *tmp2;
	for (;;) {
		sibling = parent->right;
		if (node != sibling) {
			if (rb_is_red(sibling)) {
				tmp1 = sibling->left;
				parent->right = tmp1;
				sibling->left = parent;
				tmp1->parent = parent;
				tmp1->red = 0;
				rb_rotate_set_parents(root, parent, sibling, 1);
				sibling = tmp1;
			}
			tmp1 = sibling->right;
			if (rb_is_black(tmp1)) {
				tmp2 = sibling->left;
				if (rb_is_black(tmp2)) {
					sibling->parent = parent;
					sibling->red = 1;
					if (parent->red) {
						parent->red = 0;
					} else {
						node = parent;
						struct rb_node *up = node->parent;
						if (up) {
							parent = up;
							continue;
						}
					}
					break;
				}
				tmp1 = tmp2->right;
				sibling->left = tmp1;
				tmp2->right = sibling;
				parent->right = tmp2;
				if (tmp1) {
					tmp1->parent = sibling;
					tmp1->red = 0;
				}
				tmp1 = sibling;
				sibling = tmp2;
			}
			tmp2 = sibling->left;
			parent->right = tmp2;
			sibling->left = parent;
			tmp1->parent = sibling;
			tmp1->red = 0;
			if (tmp2) tmp2->parent = parent;
			rb_rotate_set_parents(root, parent, sibling, 0);
			break;
		} else {
			sibling = parent->left;
			if (rb_is_red(sibling)) {
				tmp1 = sibling->right;
				parent->left = tmp1;
				sibling->right = parent;
				tmp1->parent = parent;
				tmp1->red = 0;
				rb_rotate_set_parents(root, parent, sibling, 1);
				sibling = tmp1;
			}
			tmp1 = sibling->left;
			if (rb_is_black(tmp1)) {
				tmp2 = sibling->right;
				if (rb_is_black(tmp2)) {
					sibling->parent = parent;
					sibling->red = 1;
					if (parent->red) {
						parent->red = 0;
					} else {
						node = parent;
						struct rb_node *up = node->parent;
						if (up) {
							parent = up;
							continue;
						}
					}
					break;
				}
				tmp1 = tmp2->left;
				sibling->right = tmp1;
				tmp2->left = sibling;
				parent->left = tmp2;
				if (tmp1) {
					tmp1->parent = sibling;
					tmp1->red = 0;
				}
				tmp1 = sibling;
				sibling = tmp2;
			}
			tmp2 = sibling->right;
			parent->left = tmp2;
			sibling->right = parent;
			tmp1->parent = sibling;
			tmp1->red = 0;
			if (tmp2) tmp2->parent = parent;
			rb_rotate_set_parents(root, parent, sibling, 0);
			break;
		}
	}
}

static void rb_erase(struct rb_node *node, struct rb_root *root) {
	struct rb_node *rebalance = rb_erase_unlink(node, root);
	if (rebalance) rb_erase_color(rebalance, root);
	node->parent = node->left = node->right = NULL;
}
#endif
