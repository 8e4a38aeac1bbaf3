/**
 * An intrusive red-black tree with the rebalancing of the kernel's lib/rbtree.c.
 *
 * Why not a sorted array: Binder's best-fit search stops at the *first* node of equal size met
 * on the descent from the root, so which of several equal-size free buffers is chosen depends
 * on the tree's shape. The shape depends on the exact insert/erase fix-ups (which rotation,
 * which recolouring, how erase splices in the successor). This file reproduces those steps
 * case for case, so the same sequence of operations yields the same shape as the kernel.
 *
 * The tree is intrusive, as in the kernel: the caller descends to the link point itself
 * (`linkNode` = rb_link_node) and then asks for the colour fix-up (`insertColor`), because the
 * key can be anything the caller computes (Binder computes buffer sizes on the fly from the
 * address list).
 */

/** Links a value carries to live in one tree (`struct rb_node`). */
export interface RbNode<T extends RbNode<T>> {
  rbParent: T | null;
  rbLeft: T | null;
  rbRight: T | null;
  /** Kernel colour bit: RB_RED = 0, RB_BLACK = 1; here true means red. */
  rbRed: boolean;
}

export class RbRoot<T extends RbNode<T>> {
  node: T | null = null;
}

const isRed = <T extends RbNode<T>>(n: T | null): boolean => n !== null && n.rbRed;
const isBlack = <T extends RbNode<T>>(n: T | null): boolean => n === null || !n.rbRed;

/** `rb_link_node`: hang `node` as a red leaf under `parent` (null: as the root). */
export function linkNode<T extends RbNode<T>>(
  root: RbRoot<T>,
  node: T,
  parent: T | null,
  side: 'left' | 'right',
): void {
  node.rbParent = parent;
  node.rbLeft = null;
  node.rbRight = null;
  node.rbRed = true;
  if (parent === null) root.node = node;
  else if (side === 'left') parent.rbLeft = node;
  else parent.rbRight = node;
}

/** Replace `oldChild` by `newChild` under `parent` (or as the root). */
function changeChild<T extends RbNode<T>>(root: RbRoot<T>, oldChild: T, newChild: T | null, parent: T | null): void {
  if (parent === null) root.node = newChild;
  else if (parent.rbLeft === oldChild) parent.rbLeft = newChild;
  else parent.rbRight = newChild;
}

/**
 * Rotation helper as the kernel writes it: `newNode` takes `old`'s parent and colour, `old`
 * becomes a child of `newNode` with `color` (true = red).
 */
function rotateSetParents<T extends RbNode<T>>(root: RbRoot<T>, old: T, newNode: T, red: boolean): void {
  const parent = old.rbParent;
  newNode.rbParent = parent;
  newNode.rbRed = old.rbRed;
  old.rbParent = newNode;
  old.rbRed = red;
  changeChild(root, old, newNode, parent);
}

/** `rb_insert_color`: restore the red-black properties after `linkNode`. */
export function insertColor<T extends RbNode<T>>(root: RbRoot<T>, start: T): void {
  let node = start;
  let parent = node.rbParent;
  for (;;) {
    // Case: node is the root → paint it black; or parent is black → nothing to do.
    if (parent === null) {
      node.rbParent = null;
      node.rbRed = false;
      return;
    }
    if (!parent.rbRed) return;
    const gparent = parent.rbParent as T; // a red parent is never the root
    let tmp = gparent.rbRight;
    if (parent !== tmp) {
      // parent is gparent's left child
      if (isRed(tmp)) {
        // Case 1: red uncle → recolour and continue two levels up.
        (tmp as T).rbRed = false;
        parent.rbRed = false;
        gparent.rbRed = true;
        node = gparent;
        parent = node.rbParent;
        continue;
      }
      tmp = parent.rbRight;
      if (node === tmp) {
        // Case 2: node is the right child → rotate left at parent.
        tmp = node.rbLeft;
        parent.rbRight = tmp;
        node.rbLeft = parent;
        if (tmp) {
          tmp.rbParent = parent;
          tmp.rbRed = false;
        }
        parent.rbParent = node;
        parent.rbRed = true;
        parent = node;
        tmp = node.rbRight;
      }
      // Case 3: node is the left child → rotate right at gparent.
      gparent.rbLeft = tmp;
      parent.rbRight = gparent;
      if (tmp) {
        tmp.rbParent = gparent;
        tmp.rbRed = false;
      }
      rotateSetParents(root, gparent, parent, true);
      return;
    } else {
      tmp = gparent.rbLeft;
      if (isRed(tmp)) {
        (tmp as T).rbRed = false;
        parent.rbRed = false;
        gparent.rbRed = true;
        node = gparent;
        parent = node.rbParent;
        continue;
      }
      tmp = parent.rbLeft;
      if (node === tmp) {
        tmp = node.rbRight;
        parent.rbLeft = tmp;
        node.rbRight = parent;
        if (tmp) {
          tmp.rbParent = parent;
          tmp.rbRed = false;
        }
        parent.rbParent = node;
        parent.rbRed = true;
        parent = node;
        tmp = node.rbLeft;
      }
      gparent.rbRight = tmp;
      parent.rbLeft = gparent;
      if (tmp) {
        tmp.rbParent = gparent;
        tmp.rbRed = false;
      }
      rotateSetParents(root, gparent, parent, true);
      return;
    }
  }
}

/**
 * `rb_erase`: unlink `node`. With two children the kernel splices the in-order successor
 * into `node`'s place (relinking, not copying keys), then fixes colours from where a black
 * node went missing.
 */
export function erase<T extends RbNode<T>>(root: RbRoot<T>, node: T): void {
  const rebalance = eraseUnlink(root, node);
  if (rebalance !== null) eraseColor(root, rebalance);
  node.rbParent = node.rbLeft = node.rbRight = null;
}

function eraseUnlink<T extends RbNode<T>>(root: RbRoot<T>, node: T): T | null {
  const child = node.rbRight;
  let tmp = node.rbLeft;
  let parent: T | null;
  let rebalance: T | null;

  if (tmp === null) {
    // At most one (right) child: it must be red, so it takes node's colour.
    const pp = node.rbParent;
    changeChild(root, node, child, pp);
    if (child) {
      child.rbParent = pp;
      child.rbRed = node.rbRed;
      rebalance = null;
    } else {
      rebalance = node.rbRed ? null : pp;
    }
    return rebalance;
  }
  if (child === null) {
    // Only a left child (red): it takes node's place and colour.
    const pp = node.rbParent;
    tmp.rbParent = pp;
    tmp.rbRed = node.rbRed;
    changeChild(root, node, tmp, pp);
    return null;
  }

  let successor: T = child;
  let child2: T | null;
  tmp = child.rbLeft;
  if (tmp === null) {
    // node's right child is the successor.
    parent = successor;
    child2 = successor.rbRight;
  } else {
    // The successor is the leftmost node of node's right subtree.
    do {
      parent = successor;
      successor = tmp;
      tmp = tmp.rbLeft;
    } while (tmp !== null);
    child2 = successor.rbRight;
    parent.rbLeft = child2;
    successor.rbRight = child;
    child.rbParent = successor;
  }

  const left = node.rbLeft as T;
  successor.rbLeft = left;
  left.rbParent = successor;

  const pp = node.rbParent;
  const successorWasRed = successor.rbRed;
  changeChild(root, node, successor, pp);
  successor.rbParent = pp;
  successor.rbRed = node.rbRed;

  if (child2) {
    child2.rbParent = parent;
    child2.rbRed = false;
    rebalance = null;
  } else {
    rebalance = successorWasRed ? null : parent;
  }
  return rebalance;
}

/** `____rb_erase_color`: one black is missing below `parent` on the side of a null/black child. */
function eraseColor<T extends RbNode<T>>(root: RbRoot<T>, startParent: T): void {
  let node: T | null = null;
  let parent: T = startParent;
  for (;;) {
    let sibling = parent.rbRight;
    if (node !== sibling) {
      // node is the left child
      if (isRed(sibling)) {
        // Case 1: red sibling → rotate left at parent.
        const s = sibling as T;
        const tmp1 = s.rbLeft as T;
        parent.rbRight = tmp1;
        s.rbLeft = parent;
        tmp1.rbParent = parent;
        tmp1.rbRed = false;
        rotateSetParents(root, parent, s, true);
        sibling = tmp1;
      }
      const s = sibling as T;
      let tmp1 = s.rbRight;
      if (isBlack(tmp1)) {
        const tmp2 = s.rbLeft;
        if (isBlack(tmp2)) {
          // Case 2: sibling's children both black → recolour sibling, move up.
          s.rbParent = parent;
          s.rbRed = true;
          if (parent.rbRed) {
            parent.rbRed = false;
          } else {
            node = parent;
            const up = node.rbParent;
            if (up) {
              parent = up;
              continue;
            }
          }
          break;
        }
        // Case 3: sibling's left child red → rotate right at sibling.
        const t2 = tmp2 as T;
        tmp1 = t2.rbRight;
        s.rbLeft = tmp1;
        t2.rbRight = s;
        parent.rbRight = t2;
        if (tmp1) {
          tmp1.rbParent = s;
          tmp1.rbRed = false;
        }
        tmp1 = s;
        sibling = t2;
      }
      // Case 4: sibling's right child red → rotate left at parent.
      const sib = sibling as T;
      const t1 = tmp1 as T;
      const tmp2 = sib.rbLeft;
      parent.rbRight = tmp2;
      sib.rbLeft = parent;
      t1.rbParent = sib;
      t1.rbRed = false;
      if (tmp2) tmp2.rbParent = parent;
      rotateSetParents(root, parent, sib, false);
      break;
    } else {
      sibling = parent.rbLeft;
      if (isRed(sibling)) {
        const s = sibling as T;
        const tmp1 = s.rbRight as T;
        parent.rbLeft = tmp1;
        s.rbRight = parent;
        tmp1.rbParent = parent;
        tmp1.rbRed = false;
        rotateSetParents(root, parent, s, true);
        sibling = tmp1;
      }
      const s = sibling as T;
      let tmp1 = s.rbLeft;
      if (isBlack(tmp1)) {
        const tmp2 = s.rbRight;
        if (isBlack(tmp2)) {
          s.rbParent = parent;
          s.rbRed = true;
          if (parent.rbRed) {
            parent.rbRed = false;
          } else {
            node = parent;
            const up = node.rbParent;
            if (up) {
              parent = up;
              continue;
            }
          }
          break;
        }
        const t2 = tmp2 as T;
        tmp1 = t2.rbLeft;
        s.rbRight = tmp1;
        t2.rbLeft = s;
        parent.rbLeft = t2;
        if (tmp1) {
          tmp1.rbParent = s;
          tmp1.rbRed = false;
        }
        tmp1 = s;
        sibling = t2;
      }
      const sib = sibling as T;
      const t1 = tmp1 as T;
      const tmp2 = sib.rbRight;
      parent.rbLeft = tmp2;
      sib.rbRight = parent;
      t1.rbParent = sib;
      t1.rbRed = false;
      if (tmp2) tmp2.rbParent = parent;
      rotateSetParents(root, parent, sib, false);
      break;
    }
  }
}

/** `rb_first`: leftmost node. */
export function first<T extends RbNode<T>>(root: RbRoot<T>): T | null {
  let n = root.node;
  if (n === null) return null;
  while (n.rbLeft !== null) n = n.rbLeft;
  return n;
}

/** `rb_next`: in-order successor. */
export function next<T extends RbNode<T>>(node: T): T | null {
  let n: T | null = node.rbRight;
  if (n !== null) {
    while (n.rbLeft !== null) n = n.rbLeft;
    return n;
  }
  let cur: T = node;
  let p = cur.rbParent;
  while (p !== null && cur === p.rbRight) {
    cur = p;
    p = p.rbParent;
  }
  return p;
}

/**
 * Checks the red-black properties and parent links; returns the black height or throws
 * (used by tests and debug assertions, never on the hot path).
 */
export function validate<T extends RbNode<T>>(root: RbRoot<T>): number {
  const walk = (n: T | null, parent: T | null): number => {
    if (n === null) return 1;
    if (n.rbParent !== parent) throw new Error('rbtree: bad parent link');
    if (n.rbRed && (isRed(n.rbLeft) || isRed(n.rbRight))) throw new Error('rbtree: red node with red child');
    const l = walk(n.rbLeft, n);
    const r = walk(n.rbRight, n);
    if (l !== r) throw new Error('rbtree: unequal black heights');
    return l + (n.rbRed ? 0 : 1);
  };
  if (root.node && root.node.rbRed) throw new Error('rbtree: red root');
  return walk(root.node, null);
}

/** `rb_prev`: in-order predecessor. */
export function prev<T extends RbNode<T>>(node: T): T | null {
  let n: T | null = node.rbLeft;
  if (n !== null) {
    while (n.rbRight !== null) n = n.rbRight;
    return n;
  }
  let cur: T = node;
  let p = cur.rbParent;
  while (p !== null && cur === p.rbLeft) {
    cur = p;
    p = p.rbParent;
  }
  return p;
}
