#!/bin/sh
# Seeds the fuzzers' corpora in .build/fuzz/ from the repository's own files: every YAML file (manifests, fixtures,
# the hostile corpus) for yaml-fuzzer, every policy XML file for policy-fuzzer.
set -eu
cd "$(dirname "$0")/.."
mkdir -p .build/fuzz/yaml-corpus .build/fuzz/policy-corpus
n=0
for f in $(find manifests Tests/Fixtures deploy -name '*.yaml' -size -64k 2>/dev/null); do
    n=$((n + 1)); cp "$f" ".build/fuzz/yaml-corpus/$n.yaml"
done
n=0
for f in $(find manifests Tests/Fixtures Sources -name '*.xml' -size -64k 2>/dev/null); do
    n=$((n + 1)); cp "$f" ".build/fuzz/policy-corpus/$n.xml"
done
echo "yaml seeds: $(ls .build/fuzz/yaml-corpus | wc -l), policy seeds: $(ls .build/fuzz/policy-corpus | wc -l)"
