#!/usr/bin/env python3
"""Derives apimsync's constraint and operations table from the vendored APIM spec (spec/apim/).

Usage:
    python3 scripts/generate-spec-table.py [OUTPUT_DIR]

OUTPUT_DIR defaults to Sources/APIMSpec/Generated. Python 3 standard library only; the output is deterministic
(sorted keys), so CI regenerates into a temporary folder and diffs it against the committed files.

What it reads (see spec/README.md):
  * 2024-05-01/definitions.json + apimanagement.json  the GA definitions (the base) and the path parameters;
  * 2024-05-01/apim*.json                             the operations (paths and x-ms-paths);
  * <preview>/*.json                                  definition extracts; each preview's effective definitions are
                                                      the previous version's overlaid with its extract (a definition
                                                      in an extract replaces the earlier one whole);
  * supplements.json, paths-supplement.json           hand-written facts with their sources.

What it writes: Swift files holding the table as JSON text in raw string literals, parsed once at first use by
Sources/APIMSpec (big Swift dictionary literals compile far too slowly).

Table format (keys of a type node; absent = not constrained):
  definition  {"properties": {name: node}, "required": [names], "additionalProperties": node,
               "unresolved": [refs that do not resolve locally, e.g. common-types ProxyResource]}
  node        {"type": "string"|"integer"|"number"|"boolean"|"object"|"array"|"map"|"any",
               "ref": definition name (object), "items": node (array), "values": node (map),
               "enum": [values], "minLength", "maxLength", "pattern", "minimum", "maximum",
               "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems", "uniqueItems", "format",
               "default", "readOnly", "secret", "source": "supplement", "unresolved": ref,
               "enumFrom": api-version (a preview's $ref to an enum its extract lacks, resolved by x-ms-enum name)}
  Inline objects get a synthetic definition named "<Parent>/<property>" ("[]" appended for array items,
  "{}" for map values). Named scalar definitions (TypeSpec enums such as ApiType) are inlined into the node.
  The first version is stored whole; each later version only holds the definitions whose flattened form
  differs from the version before (an overlay).
"""

import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC = os.path.join(ROOT, "spec", "apim")
GA = "2024-05-01"
PREVIEWS = [
    ("2024-06-01-preview", "definitions.extract.json"),
    ("2024-10-01-preview", "openapi.definitions-extract.json"),
    ("2025-03-01-preview", "openapi.definitions-extract.json"),
    ("2025-09-01-preview", "openapi.definitions-extract.json"),
]
VERSIONS = [GA] + [version for version, _ in PREVIEWS]
SERVICE_PREFIX = (
    "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}"
    "/providers/Microsoft.ApiManagement/service/{serviceName}/"
)
LOCAL_REF = re.compile(r"^(?:\./)?(?:definitions\.json|apimanagement\.json)?#/definitions/(.+)$")
COMMON_TYPES_REF = re.compile(r"common-types/resource-management/v\d+/(\w+)\.json#/definitions/(.+)$")
SCALAR_TYPES = {"string", "integer", "number", "boolean"}
CONSTRAINT_KEYS = [
    "minLength", "maxLength", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    "minItems", "maxItems", "uniqueItems", "format", "default",
]
HTTP_METHODS = ["get", "head", "put", "patch", "post", "delete"]
# common-types parameters are not vendored; these are the ones the APIM path files use. api-version is a required
# query parameter on every ARM call; the other two are part of the service prefix.
COMMON_PARAMETERS = {
    "ApiVersionParameter": {"name": "api-version", "in": "query", "required": True},
    "SubscriptionIdParameter": {"name": "subscriptionId", "in": "path", "required": True},
    "ResourceGroupNameParameter": {"name": "resourceGroupName", "in": "path", "required": True},
}


def fail(message):
    sys.stderr.write("generate-spec-table: %s\n" % message)
    sys.exit(1)


def load(*parts):
    with open(os.path.join(SPEC, *parts), encoding="utf-8") as handle:
        return json.load(handle)


def local_name(ref):
    """The definition name a $ref points at, or None when it points outside the vendored files."""
    match = LOCAL_REF.match(ref)
    return match.group(1) if match else None


def unresolved_name(ref):
    """How the table notes a $ref that does not resolve: common-types without its relative path and version (v2, v3
    and v5 define ProxyResource alike, and the version in the path would make every preview differ), else as is."""
    match = COMMON_TYPES_REF.search(ref)
    return "common-types/%s#%s" % match.groups() if match else ref


def version_index(version):
    if version not in VERSIONS:
        fail("unknown api-version %r" % version)
    return VERSIONS.index(version)


class Flattener:
    """Flattens the raw (swagger) definitions of one api-version into table definitions."""

    def __init__(self, raw, supplemented, named_enums):
        self.raw = raw
        self.supplemented = supplemented  # {(definition, property)} added from supplements.json
        self.named_enums = named_enums  # lower-cased x-ms-enum name -> (schema, api-version it was read from)
        self.out = {}
        self.pending = []

    def require(self, name):
        """Makes sure `name` (a raw object definition) is flattened into the output; returns its table name."""
        if name not in self.out:
            self.out[name] = None
            self.pending.append((name, self.raw[name]))
        return name

    def drain(self):
        while self.pending:
            name, schema = self.pending.pop()
            self.out[name] = self.flatten(name, schema)

    def is_object(self, schema):
        if "properties" in schema or "allOf" in schema or "additionalProperties" in schema:
            return True
        return schema.get("type") == "object"

    def collect(self, owner, schema, properties, required, unresolved, seen):
        for parent in schema.get("allOf", []):
            ref = parent.get("$ref")
            if ref is None:
                self.collect(owner, parent, properties, required, unresolved, seen)
                continue
            name = local_name(ref)
            if name is None or name not in self.raw:
                unresolved.append(unresolved_name(ref))
                continue
            if name in seen:
                fail("allOf cycle through %s" % name)
            self.collect(name, self.raw[name], properties, required, unresolved, seen | {name})
        for prop, prop_schema in schema.get("properties", {}).items():
            properties[prop] = (owner, prop_schema)
        for prop in schema.get("required", []):
            required.add(prop)

    def flatten(self, name, schema):
        gathered, required, unresolved = {}, set(), []
        self.collect(name, schema, gathered, required, unresolved, {name})
        properties = {}
        for prop, (owner, prop_schema) in gathered.items():
            node = self.node(prop_schema, "%s/%s" % (owner, prop))
            if (owner, prop) in self.supplemented:
                node["source"] = "supplement"
            properties[prop] = node
        result = {"properties": properties}
        if required:
            result["required"] = sorted(required)
        additional = schema.get("additionalProperties")
        if additional is not None and additional is not False:
            result["additionalProperties"] = self.node(additional if additional is not True else {}, name + "{}")
        if unresolved:
            result["unresolved"] = sorted(set(unresolved))
        return result

    def node(self, schema, synthetic, depth=0):
        """The table node for a property (or items / values) schema."""
        if depth > 20:
            fail("reference chain too deep at %s" % synthetic)
        node = {}
        if "$ref" in schema:
            ref = schema["$ref"]
            name = local_name(ref)
            if name is not None and name not in self.raw and name.lower() in self.named_enums:
                # A TypeSpec preview names an enum definition its extract left out: use the enum of that
                # x-ms-enum name from the newest version that has it, and say so in the node.
                target, origin = self.named_enums[name.lower()]
                node = self.node(target, name, depth + 1)
                node["enumFrom"] = origin
            elif name is None or name not in self.raw:
                node = {"type": "any", "unresolved": unresolved_name(ref)}
            else:
                target = self.raw[name]
                if self.is_object(target) and target.get("type") not in SCALAR_TYPES | {"array"}:
                    node = {"type": "object", "ref": self.require(name)}
                else:
                    node = self.node(target, name, depth + 1)
                    node.pop("readOnly", None)
        elif "allOf" in schema and "properties" not in schema:
            refs = [part for part in schema["allOf"] if "$ref" in part]
            structural = [part for part in schema["allOf"] if "$ref" not in part and self.is_object(part)]
            if len(refs) == 1 and not structural:
                node = self.node(refs[0], synthetic, depth + 1)
            else:
                node = self.inline_object(schema, synthetic)
        else:
            kind = schema.get("type")
            if kind in SCALAR_TYPES:
                node = {"type": kind}
            elif kind == "array":
                node = {"type": "array", "items": self.node(schema.get("items", {}), synthetic + "[]", depth + 1)}
            elif kind == "object" or self.is_object(schema):
                if "properties" in schema or "allOf" in schema:
                    node = self.inline_object(schema, synthetic)
                elif schema.get("additionalProperties") not in (None, False):
                    additional = schema["additionalProperties"]
                    node = {"type": "map", "values": self.node(additional if additional is not True else {},
                                                               synthetic + "{}", depth + 1)}
                else:
                    node = {"type": "object"}
            elif "enum" in schema:
                node = {"type": "string"}
            else:
                node = {"type": "any"}
        values = enum_values(schema)
        if values is not None:
            node["enum"] = values
        for key in CONSTRAINT_KEYS:
            if key in schema:
                node[key] = schema[key]
        if schema.get("readOnly") is True:
            node["readOnly"] = True
        if schema.get("x-ms-secret") is True:
            node["secret"] = True
        return node

    def inline_object(self, schema, synthetic):
        """An inline object becomes a definition named after where it is declared, shared by every definition
        that inherits that property."""
        if synthetic in self.raw and self.raw[synthetic] is not schema:
            fail("synthetic name %s collides with another definition" % synthetic)
        self.raw[synthetic] = schema
        return {"type": "object", "ref": self.require(synthetic)}


def enum_values(schema):
    values = list(schema.get("enum", []))
    for entry in schema.get("x-ms-enum", {}).get("values", []):
        if "value" in entry and entry["value"] not in values:
            values.append(entry["value"])
    return values or None


def collect_named_enums(definitions, version, index):
    """Records every enum with an x-ms-enum name (inline or a named scalar definition) under its lower-cased name."""
    found = {}

    def walk(value):
        if isinstance(value, dict):
            name = value.get("x-ms-enum", {}).get("name")
            if name and "enum" in value:
                schema = {"type": value.get("type", "string"), "enum": enum_values(value)}
                key = name.lower()
                if found.get(key, schema) != schema:
                    found[key] = None  # one name, two different enums: ambiguous, infer nothing
                elif key not in found:
                    found[key] = schema
            for child in value.values():
                walk(child)
        elif isinstance(value, list):
            for child in value:
                walk(child)

    walk(definitions)
    for key, schema in found.items():
        if schema is None:
            index.pop(key, None)
        else:
            index[key] = (schema, version)


def apply_supplements(raw, version, supplements):
    """Adds the supplements due at `version` to copies of the raw definitions they extend."""
    added = set()
    for entry in supplements:
        if version_index(entry["from"]) > version_index(version):
            continue
        name, prop = entry["definition"], entry["property"]
        if name not in raw:
            fail("supplement for unknown definition %s at %s" % (name, version))
        definition = dict(raw[name])
        properties = dict(definition.get("properties", {}))
        if prop in properties:
            sys.stderr.write("generate-spec-table: note: %s.%s is in the spec at %s; the spec wins over the "
                             "supplement\n" % (name, prop, version))
            continue
        properties[prop] = entry["schema"]
        definition["properties"] = properties
        raw[name] = definition
        added.add((name, prop))
    return added


def service_parameters():
    return load(GA, "apimanagement.json")["parameters"]


def resolve_parameter(parameter, shared, local):
    ref = parameter.get("$ref")
    if ref is None:
        return parameter
    name = ref.rsplit("/", 1)[-1]
    if ref.startswith("./apimanagement.json#/parameters/"):
        return shared[name]
    if ref.startswith("#/parameters/"):
        return local[name]
    if name in COMMON_PARAMETERS:
        return COMMON_PARAMETERS[name]
    fail("unresolvable parameter %s" % ref)


def path_parameter(parameter):
    result = {"name": parameter["name"]}
    values = enum_values(parameter)
    if values is not None:
        result["enum"] = values
    for key in ("minLength", "maxLength", "pattern"):
        if key in parameter:
            result[key] = parameter[key]
    return result


def operations_from_path_files():
    shared = service_parameters()
    operations = []
    for file_name in sorted(os.listdir(os.path.join(SPEC, GA))):
        if not (file_name.startswith("apim") and file_name.endswith(".json")) or file_name == "apimanagement.json":
            continue
        document = load(GA, file_name)
        local = document.get("parameters", {})
        for section in ("paths", "x-ms-paths"):
            for raw_path, item in sorted(document.get(section, {}).items()):
                if not raw_path.startswith(SERVICE_PREFIX):
                    fail("%s: path outside a service: %s" % (file_name, raw_path))
                path, _, fixed = raw_path[len(SERVICE_PREFIX):].partition("?")
                for method in HTTP_METHODS:
                    if method in item:
                        operations.append(operation(method, path, fixed, item[method], item.get("parameters", []),
                                                    shared, local, file_name))
    return operations


def operation(method, path, fixed_query, spec, path_level, shared, local, file_name):
    parameters = [resolve_parameter(p, shared, local) for p in path_level + spec.get("parameters", [])]
    by_name = {p["name"]: p for p in parameters if p["in"] == "path"}
    path_parameters = []
    for name in re.findall(r"\{([^}]+)\}", path):
        if name not in by_name:
            fail("%s %s: no parameter for {%s}" % (method, path, name))
        path_parameters.append(path_parameter(by_name[name]))
    body = None
    for parameter in parameters:
        if parameter["in"] == "body":
            body = local_name(parameter["schema"].get("$ref", ""))
            if body is None:
                fail("%s %s: body is not a local definition" % (method, path))
    if_match = "none"
    for parameter in parameters:
        if parameter["in"] == "header" and parameter["name"].lower() == "if-match":
            if_match = "required" if parameter.get("required") else "optional"
    success, etag, responses = [], [], {}
    for code, response in spec.get("responses", {}).items():
        if not code.isdigit() or not 200 <= int(code) < 300:
            continue
        success.append(int(code))
        if any(header.lower() == "etag" for header in response.get("headers", {})):
            etag.append(int(code))
        schema = response.get("schema")
        if schema is not None:
            name = local_name(schema.get("$ref", ""))
            if name is None:
                fail("%s %s: response %s is not a local definition" % (method, path, code))
            responses[code] = name
    result = {
        "method": method.upper(),
        "path": path,
        "operationId": spec["operationId"],
        "success": sorted(success),
        "etag": sorted(etag),
        "ifMatch": if_match,
        "responses": responses,
        "pathParameters": path_parameters,
        "query": sorted(
            ({"name": p["name"], "required": bool(p.get("required"))} for p in parameters if p["in"] == "query"),
            key=lambda q: q["name"]),
        "since": GA,
        "source": "2024-05-01/" + file_name,
    }
    if body is not None:
        result["body"] = body
    if spec.get("x-ms-long-running-operation"):
        result["longRunning"] = True
    if "x-ms-pageable" in spec:
        result["pageable"] = True
    if fixed_query:
        result["fixedQuery"] = dict(part.split("=", 1) for part in fixed_query.split("&"))
    return result


def supplemented_operations():
    document = load("paths-supplement.json")
    sources = document["sources"]
    result = []
    for entry in document["operations"]:
        if entry["source"] not in sources:
            fail("paths-supplement: unknown source %s" % entry["source"])
        version_index(entry["since"])
        entry = dict(entry)
        entry["source"] = "paths-supplement.json#" + entry["source"]
        entry["query"] = sorted(entry["query"], key=lambda q: q["name"])
        result.append(entry)
    return result


def build():
    base = load(GA, "definitions.json")["definitions"]
    extra = load(GA, "apimanagement.json")["definitions"]
    overlap = set(base) & set(extra)
    if overlap:
        fail("definitions in both definitions.json and apimanagement.json: %s" % sorted(overlap))
    raw = dict(base)
    raw.update(extra)
    supplements = load("supplements.json")["supplements"]
    for entry in supplements:
        version_index(entry["from"])
        if not entry.get("source") or not entry.get("reasoning"):
            fail("supplement %s.%s lacks a source or its reasoning" % (entry["definition"], entry["property"]))

    operations = operations_from_path_files() + supplemented_operations()
    operations.sort(key=lambda o: (o["path"], HTTP_METHODS.index(o["method"].lower()), sorted(o.get("fixedQuery", {}))))
    tables, roots, stats, named_enums = {}, set(), {}, {}
    collect_named_enums(raw, GA, named_enums)
    for version in VERSIONS:
        if version != GA:
            extract = load(version, dict(PREVIEWS)[version])["definitions"]
            raw.update(extract)
            roots |= set(extract)
            collect_named_enums(extract, version, named_enums)
        for entry in operations:
            if version_index(entry["since"]) <= version_index(version):
                roots.update(entry["responses"].values())
                roots.update([entry["body"]] if "body" in entry else [])
        effective_raw = dict(raw)
        added = apply_supplements(effective_raw, version, supplements)
        flattener = Flattener(effective_raw, added, named_enums)
        for name in sorted(roots):
            if name not in effective_raw:
                fail("%s: root %s has no definition" % (version, name))
            if flattener.is_object(effective_raw[name]) and effective_raw[name].get("type") not in SCALAR_TYPES:
                flattener.require(name)
        flattener.drain()
        tables[version] = flattener.out
        stats[version] = len(flattener.out)

    overlays, previous = {}, {}
    for version in VERSIONS:
        current = dict(previous)
        current.update(tables[version])
        overlays[version] = {name: body for name, body in tables[version].items() if previous.get(name) != body}
        previous = current
    for entry in operations:
        for name in [entry.get("body")] + list(entry["responses"].values()):
            if name is not None and name not in previous:
                fail("operation %s names unknown definition %s" % (entry["operationId"], name))
    return overlays, operations, stats


def json_lines(mapping):
    """A JSON object with one member per line, keys sorted: small diffs when the spec changes."""
    members = [json.dumps(key) + ":" + json.dumps(mapping[key], sort_keys=True, separators=(",", ":"))
               for key in sorted(mapping)]
    return "{\n" + ",\n".join(members) + "\n}"


def json_array_lines(items):
    return "[\n" + ",\n".join(json.dumps(item, sort_keys=True, separators=(",", ":")) for item in items) + "\n]"


HEADER = """// swift-format-ignore-file
// GENERATED by scripts/generate-spec-table.py from spec/apim/ -- do not edit.
// Regenerate: python3 scripts/generate-spec-table.py
"""


def swift_literal(text):
    if '"""##' in text:
        fail("table text contains the raw string terminator")
    return '##"""\n' + text + '\n"""##'


def swift_identifier(version):
    return "v" + version.replace("-", "_")


def write(output, overlays, operations):
    os.makedirs(output, exist_ok=True)
    files = {}
    for version in VERSIONS:
        kind = "every definition" if version == GA else "the definitions that differ from the version before"
        files["SpecTableText+%s.swift" % version] = (
            HEADER + "\n"
            "extension SpecTableText {\n"
            "    /// Definitions of api-version %s: %s (%d).\n"
            "    static let %s: String = %s\n"
            "}\n" % (version, kind, len(overlays[version]), swift_identifier(version),
                     swift_literal(json_lines(overlays[version]))))
    files["SpecTableText+Operations.swift"] = (
        HEADER + "\n"
        "extension SpecTableText {\n"
        "    /// Every operation of the vendored path files and paths-supplement.json (%d).\n"
        "    static let operations: String = %s\n"
        "}\n" % (len(operations), swift_literal(json_array_lines(operations))))
    cases = ",\n".join('        ("%s", %s)' % (version, swift_identifier(version)) for version in VERSIONS)
    files["SpecTableText.swift"] = (
        HEADER + "\n"
        "/// The constraint table as JSON text, per api-version in order: the first whole, later ones as overlays.\n"
        "enum SpecTableText {\n"
        "    static let definitionsByVersion: [(version: String, json: String)] = [\n"
        "%s,\n"
        "    ]\n"
        "}\n" % cases)
    for name in sorted(os.listdir(output)):
        if name.endswith(".swift") and name not in files:
            os.remove(os.path.join(output, name))
    for name, text in files.items():
        with open(os.path.join(output, name), "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    return sum(len(text.encode("utf-8")) for text in files.values())


def main():
    output = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "Sources", "APIMSpec", "Generated")
    overlays, operations, stats = build()
    size = write(output, overlays, operations)
    summary = ", ".join("%s %d (%d in overlay)" % (v, stats[v], len(overlays[v])) for v in VERSIONS)
    print("spec table: %d bytes, %d operations; definitions per version: %s" % (size, len(operations), summary))


if __name__ == "__main__":
    main()
