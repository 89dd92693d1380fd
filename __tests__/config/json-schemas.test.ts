import { readFileSync } from "node:fs";
import { join } from "node:path";
import { jsonSchemas } from "../../src/config/json-schemas";
import { REPOSITORY_ROOT } from "../support/project";

describe("editor JSON schemas", () => {
  it.each(Object.entries(jsonSchemas()))("%s is up to date (run `npm run schema` after changing the config schema)", (file, schema) => {
    expect(JSON.parse(readFileSync(join(REPOSITORY_ROOT, file), "utf8"))).toEqual(schema);
  });

  it("every shipped configuration file points its editor at the schema", () => {
    for (const file of ["environments/dev.json", "environments/stage.json", "environments/prod.json", "backend.config.json", "delivery.config.json"]) {
      const json = JSON.parse(readFileSync(join(REPOSITORY_ROOT, file), "utf8"));
      expect([file, json.$schema]).toEqual([file, expect.stringMatching(/schema\/(environment|backend|delivery)\.schema\.json$/)]);
    }
  });
});
