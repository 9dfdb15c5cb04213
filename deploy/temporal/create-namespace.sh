#!/bin/sh
# One-shot: the namespace Caseworks runs in, and the custom search attributes that make the
# Temporal UI the on-call console (the same list as src/workflows/search-attributes.ts).
set -eu
ns="${NAMESPACE:-default}"
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do echo "waiting for $TEMPORAL_ADDRESS..."; sleep 1; done
temporal operator namespace describe --address "$TEMPORAL_ADDRESS" -n "$ns" >/dev/null 2>&1 \
  || temporal operator namespace create --address "$TEMPORAL_ADDRESS" -n "$ns" --retention 30d
for attr in CaseKind=Keyword Brand=Keyword Priority=Keyword CaseStatus=Keyword Assignee=Keyword SlaNextDeadline=Datetime SlaBreached=Bool Service=KeywordList Regime=KeywordList NeedsAttention=Bool OnboardingPhase=Keyword Overdue=Bool; do
  name="${attr%%=*}"; type="${attr#*=}"
  temporal operator search-attribute create --address "$TEMPORAL_ADDRESS" -n "$ns" --name "$name" --type "$type" 2>/dev/null \
    || echo "search attribute $name exists"
done
echo "namespace $ns ready"
