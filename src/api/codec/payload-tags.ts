/**
 * What the codec endpoint reads of a decoded payload's metadata (src/temporal/payload-metadata.ts
 * names them all): the workflow type and case ID a workflow's payload converter puts on what it
 * writes (inside the encryption, so a stored payload cannot be re-tagged), and the actor binding,
 * which is verified on decode and never handed to a reader.
 */
export { ACTOR_BINDING_METADATA as BINDING_METADATA_PREFIX, CASE_ID_METADATA, CASE_KIND_METADATA } from '../../temporal/payload-metadata';
