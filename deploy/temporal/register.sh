#!/bin/sh
# Creates the namespace (if missing) and registers the platform's search attributes, so the
# Temporal Web UI can filter gradings by skill, task, mode, status and review priority.
set -eu
ns="${TEMPORAL_NAMESPACE:-default}"
# The server's port opens before it serves: wait (up to about a minute) until it answers.
tries=0
until temporal operator cluster health >/dev/null 2>&1; do
  tries=$((tries + 1))
  [ "$tries" -ge 30 ] && { echo "Temporal did not become healthy" >&2; exit 1; }
  sleep 2
done
temporal operator namespace describe --namespace "$ns" >/dev/null 2>&1 \
  || temporal operator namespace create --namespace "$ns" --retention 720h
for name in VstepSkill VstepTask VstepMode VstepStatus VstepReviewPriority; do
  temporal operator search-attribute create --namespace "$ns" --name "$name" --type Keyword 2>/dev/null \
    || echo "search attribute $name exists"
done
echo "namespace $ns ready"
