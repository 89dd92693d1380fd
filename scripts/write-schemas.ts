import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { jsonSchemas } from "../src/config/json-schemas";

for (const [file, schema] of Object.entries(jsonSchemas())) {
  writeFileSync(join(__dirname, "..", file), `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote ${file}`);
}
