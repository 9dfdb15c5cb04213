import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * The custom search attributes that make the Temporal UI the on-call console. Registered with the
 * dev server at start (scripts/temporal-dev.ts) and with a production namespace by the operator
 * (README). Values are never personal data.
 */
export const CaseKind = defineSearchAttributeKey('CaseKind', SearchAttributeType.KEYWORD);
export const Brand = defineSearchAttributeKey('Brand', SearchAttributeType.KEYWORD);
export const Priority = defineSearchAttributeKey('Priority', SearchAttributeType.KEYWORD);
export const CaseStatus = defineSearchAttributeKey('CaseStatus', SearchAttributeType.KEYWORD);
export const SlaNextDeadline = defineSearchAttributeKey('SlaNextDeadline', SearchAttributeType.DATETIME);
export const SlaBreached = defineSearchAttributeKey('SlaBreached', SearchAttributeType.BOOL);
export const Assignee = defineSearchAttributeKey('Assignee', SearchAttributeType.KEYWORD);
/** Incidents: the affected services, so an SRE can list everything open on one service. */
export const Service = defineSearchAttributeKey('Service', SearchAttributeType.KEYWORD_LIST);
/** Takedowns: the legal regimes a notice is judged under (dmca, dsa, platform_terms). */
export const Regime = defineSearchAttributeKey('Regime', SearchAttributeType.KEYWORD_LIST);

/** Onboarding (issue 14): the phase (classroom, mentored, certified, stopped) and whether anything is overdue. */
export const OnboardingPhase = defineSearchAttributeKey('OnboardingPhase', SearchAttributeType.KEYWORD);
export const Overdue = defineSearchAttributeKey('Overdue', SearchAttributeType.BOOL);

/**
 * Set once a case's record was refused for good or its retries ran out: the case still runs and
 * answers, but its read model is behind and a person must look (README "Cases that need attention").
 */
export const NeedsAttention = defineSearchAttributeKey('NeedsAttention', SearchAttributeType.BOOL);

export const CASE_SEARCH_ATTRIBUTES = [CaseKind, Brand, Priority, CaseStatus, SlaNextDeadline, SlaBreached, Assignee, Service, Regime, NeedsAttention, OnboardingPhase, Overdue];
