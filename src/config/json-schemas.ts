import { z } from "zod";
import { backendConfigSchema } from "./backend-schema";
import { deliveryConfigSchema } from "./delivery-schema";
import { environmentSchema } from "./environment-schema";

/**
 * JSON Schemas of the configuration files, for editors (each file's `$schema` points here).
 * They describe shapes and ranges; cross-field rules (overlaps, min <= max) are enforced at synthesis.
 */
export function jsonSchemas(): Record<string, object> {
  const render = (schema: z.ZodType, title: string) => ({
    ...z.toJSONSchema(schema, { io: "input", target: "draft-2020-12" }),
    title,
  });
  return {
    "schema/environment.schema.json": render(environmentSchema, "Platform environment (environments/<name>.json)"),
    "schema/backend.schema.json": render(backendConfigSchema, "Platform state backends (backend.config.json)"),
    "schema/delivery.schema.json": render(deliveryConfigSchema, "Platform delivery pipeline (delivery.config.json)"),
  };
}
