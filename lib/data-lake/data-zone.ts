/**
 * The zones of the data lake, each its own bucket.
 */
export enum DataZone {
  /** Raw data as it arrives, before curation. */
  RAW = 'raw',
  /** Curated training and evaluation data. */
  CURATED = 'curated',
  /** Model artifacts, training checkpoints and evaluation reports. */
  MODEL_ARTIFACTS = 'model-artifacts',
  /** Endpoint data capture, guardrail traces and Bedrock invocation logs. */
  INFERENCE_CAPTURE = 'inference-capture',
  /** User feedback records that feed retraining. */
  FEEDBACK = 'feedback',
}

/** Every zone, in a stable order. */
export const ALL_ZONES: readonly DataZone[] = [
  DataZone.RAW,
  DataZone.CURATED,
  DataZone.MODEL_ARTIFACTS,
  DataZone.INFERENCE_CAPTURE,
  DataZone.FEEDBACK,
];

/** The construct id of a zone's bucket: `RawBucket`, `ModelArtifactsBucket`, ... */
export function zoneBucketId(zone: DataZone): string {
  return zone.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('') + 'Bucket';
}
