import type { SchemaArgs } from '../parse.js';
import { UserError } from '../../util/errors.js';

export async function schemaCommand(_args: SchemaArgs): Promise<number> {
  throw new UserError('shrinksim schema: not implemented yet');
}
