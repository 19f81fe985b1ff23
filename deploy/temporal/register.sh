#!/bin/sh
# Creates the namespace (if missing) and registers the platform's search attributes, so the
# Temporal Web UI can filter gradings by skill, task, mode, status and review priority.
set -eu
ns="${TEMPORAL_NAMESPACE:-default}"
temporal operator namespace describe --namespace "$ns" >/dev/null 2>&1 \
  || temporal operator namespace create --namespace "$ns" --retention 720h
for name in VstepSkill VstepTask VstepMode VstepStatus VstepReviewPriority; do
  temporal operator search-attribute create --namespace "$ns" --name "$name" --type Keyword 2>/dev/null \
    || echo "search attribute $name exists"
done
echo "namespace $ns ready"
