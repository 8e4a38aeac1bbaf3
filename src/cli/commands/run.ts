import type { RunArgs } from '../parse.js';
import { UserError } from '../../util/errors.js';

export async function runCommand(_args: RunArgs): Promise<number> {
  throw new UserError('shrinksim run: not implemented yet');
}
