#!/bin/sh
# Builds the libFuzzer harnesses of issue 14 into .build/fuzz/: yaml-fuzzer (Sources/YAML) and policy-fuzzer
# (Sources/Model: the policy XML reader, the policy scanner and the C# lexer). Each harness is compiled together
# with its module's sources (-sanitize=fuzzer,address instruments them all). Needs libyaml-dev.
set -eu
cd "$(dirname "$0")/.."
mkdir -p .build/fuzz
flags="-sanitize=fuzzer,address -parse-as-library -O -g -swift-version 6"
swiftc $flags -module-name YAML -I Sources/CLibYAML Sources/YAML/*.swift Fuzz/YAMLFuzzer.swift -lyaml \
    -o .build/fuzz/yaml-fuzzer
swiftc $flags -module-name Model $(find Sources/Model -name '*.swift') Fuzz/PolicyFuzzer.swift \
    -o .build/fuzz/policy-fuzzer
echo "built .build/fuzz/yaml-fuzzer .build/fuzz/policy-fuzzer"
