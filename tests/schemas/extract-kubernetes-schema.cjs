#!/usr/bin/env node
// SPDX-License-Identifier: MIT
//
// extract-kubernetes-schema.cjs MODELS_DIR APIMACHINERY_DIR OUT.json
//
// Collects the JSON Schemas that the npm packages kubernetes-models and
// @kubernetes-models/apimachinery (unpacked in MODELS_DIR, APIMACHINERY_DIR)
// generate from Kubernetes' OpenAPI document, and writes them to OUT.json as
// {"definitions": {"io.k8s.api.batch.v1.Job": {...}, ...}}, sorted by name.
// Each _schemas/*.js file of those packages holds one schema as a plain object
// and hands it to register() of @kubernetes-models/validate (a wrapper around
// ajv); here register() only records it, so nothing else of the packages runs.
// Used by fetch-kubernetes-schema.sh.
'use strict';
const fs = require('fs');
const path = require('path');
const Module = require('module');

const [models, machinery, out] = process.argv.slice(2).map((p) => path.resolve(p));
const defs = {};
const stub = path.join(models, '__register__');
require.cache[stub] = {
  id: stub, filename: stub, loaded: true,
  exports: { register: (id, schema) => { defs[id] = schema; } },
};
const resolve = Module._resolveFilename;
const prefix = '@kubernetes-models/apimachinery/';
Module._resolveFilename = function (request, ...rest) {
  if (request === '@kubernetes-models/validate') return stub;
  if (request.startsWith(prefix)) request = path.join(machinery, request.slice(prefix.length));
  return resolve.call(this, request, ...rest);
};
for (const dir of [machinery, models]) {
  const d = path.join(dir, '_schemas');
  for (const f of fs.readdirSync(d).sort())
    if (f.endsWith('.js')) require(path.join(d, f)).addSchema();
}
const sorted = {};
for (const k of Object.keys(defs).sort()) sorted[k] = defs[k];
fs.writeFileSync(out, JSON.stringify({ definitions: sorted }, null, 1) + '\n');
