/** `shrinksim schema`: the JSON Schema of scenario files on stdout, for editors. */
import type { SchemaArgs } from '../parse.js';
import { scenarioJsonSchema } from '../../scenario/schema.js';

export async function schemaCommand(_args: SchemaArgs): Promise<number> {
  process.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
  return 0;
}
