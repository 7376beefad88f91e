// Validates brisk's OpenAPI document (path in argv[2]) with tools that share
// no code with brisk: @apidevtools/swagger-parser (the OpenAPI 3.1 schema),
// then Ajv in strict JSON Schema 2020-12 mode, which must compile every
// component schema and accept every example in the document against the
// schema it illustrates. Exits 1 with the problems found.
import { readFileSync } from "node:fs";
import SwaggerParser from "@apidevtools/swagger-parser";
import Ajv2020 from "ajv/dist/2020.js";

const path = process.argv[2];
const doc = JSON.parse(readFileSync(path, "utf8"));
const problems = [];

try {
  await SwaggerParser.validate(structuredClone(doc));
} catch (e) {
  problems.push(`swagger-parser: ${e.message}`);
}

// Component refs become $defs refs so that each schema compiles on its own.
const rewrite = (v) =>
  JSON.parse(JSON.stringify(v).replaceAll('"#/components/schemas/', '"#/$defs/'));
const defs = rewrite(doc.components?.schemas ?? {});
// Two of strict mode's style lints are relaxed, for valid 2020-12 that
// brisk means: loc is a tuple with a fixed first item and an open-ended rest
// (prefixItems + items), whose other items are strings or integers.
const ajv = new Ajv2020({
  strict: true,
  strictTuples: false,
  allowUnionTypes: true,
  allErrors: true,
  validateFormats: false,
});
const compile = (schema, where) => {
  try {
    return ajv.compile({ $defs: defs, ...rewrite(schema) });
  } catch (e) {
    problems.push(`${where}: schema does not compile: ${e.message}`);
    return null;
  }
};
const check = (schema, example, where) => {
  const validate = compile(schema, where);
  if (validate && !validate(example)) {
    problems.push(`${where}: example does not match its schema: ${ajv.errorsText(validate.errors)}`);
  }
};

let examples = 0;
for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) {
  compile(schema, `components.schemas.${name}`);
  for (const ex of schema.examples ?? []) {
    check(schema, ex, `components.schemas.${name}.examples`);
    examples++;
  }
}
for (const [p, item] of Object.entries(doc.paths)) {
  for (const [method, op] of Object.entries(item)) {
    const where = `${method.toUpperCase()} ${p}`;
    for (const param of op.parameters ?? []) {
      if ("example" in param) {
        check(param.schema, param.example, `${where} parameter ${param.name}`);
        examples++;
      }
    }
    for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) {
      if ("example" in media) {
        check(media.schema, media.example, `${where} request ${type}`);
        examples++;
      }
    }
    for (const [status, resp] of Object.entries(op.responses)) {
      for (const [type, media] of Object.entries(resp.content ?? {})) {
        if ("example" in media) {
          check(media.schema, media.example, `${where} ${status} ${type}`);
          examples++;
        }
      }
    }
  }
}

if (problems.length) {
  console.error(problems.join("\n"));
  console.error(`${problems.length} problem(s) in ${path}`);
  process.exit(1);
}
console.log(`${path}: valid (swagger-parser; Ajv 2020-12 strict, ${examples} examples checked)`);
