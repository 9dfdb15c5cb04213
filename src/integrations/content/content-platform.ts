/**
 * The content platform's side of a takedown: the service that actually removes, geo-restricts or
 * restores an upload, and keeps it (and what it holds about it) from deletion while an
 * authority's preservation hold runs (preserve … release_preservation). Caseworks decides; the platform acts. Every call carries a key made of the
 * case, the action and the item, so a platform that dedupes by it acts once whatever the retries.
 */
export const CONTENT_ACTIONS = ['remove', 'geo_restrict', 'restore', 'preserve', 'release_preservation'] as const;
export type ContentAction = (typeof CONTENT_ACTIONS)[number];

export interface ContentItemRef {
  contentId?: string;
  url?: string;
}

export interface ContentActionRequest {
  /** `<case>:<action key>:item:<index>`: the same request is never acted on twice. */
  key: string;
  caseId: string;
  action: ContentAction;
  item: ContentItemRef;
  /** geo_restrict: where the content is blocked (ISO 3166-1 alpha-2); null otherwise. */
  countries: string[] | null;
}

export interface ContentActionResult {
  platform: string;
  status: 'applied' | 'recorded';
  reference: string | null;
}

export interface ContentPlatformAdapter {
  readonly name: string;
  apply(request: ContentActionRequest): Promise<ContentActionResult>;
}

/**
 * The built-in default when no platform is wired: nothing is called, the action is only recorded
 * (table content_actions, by the activity) for a person to carry out and for the record.
 */
export class RecordingContentPlatform implements ContentPlatformAdapter {
  readonly name = 'built-in';

  async apply(request: ContentActionRequest): Promise<ContentActionResult> {
    return { platform: this.name, status: 'recorded', reference: request.key };
  }
}
