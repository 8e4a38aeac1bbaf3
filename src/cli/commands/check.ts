import type { CheckArgs } from '../parse.js';
import { UserError } from '../../util/errors.js';

export async function checkCommand(_args: CheckArgs): Promise<number> {
  throw new UserError('shrinksim check: not implemented yet');
}
