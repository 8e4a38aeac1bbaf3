import type { ConformArgs } from '../parse.js';
import { UserError } from '../../util/errors.js';

export async function conformCommand(_args: ConformArgs): Promise<number> {
  throw new UserError('shrinksim conform: not implemented yet');
}
