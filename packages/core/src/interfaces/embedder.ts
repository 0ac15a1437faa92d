/** Turns texts into unit-length vectors of a fixed dimension. */
export interface Embedder {
  readonly dimension: number;
  /** A stable name (model id plus parameters), so stored vectors can be checked against it. */
  readonly id: string;
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}
