/** Published numbers the MovieLens-100K experiments are drawn against. */
export const p1Anchors = {
  source: 'Microsoft Recommenders, ML-100K benchmark table (per-user stratified 75/25, k = 10)',
  rows: [
    { model: 'BiVAE', map: 0.1461, ndcg: 0.4751, precision: 0.4118, recall: 0.2191 },
    { model: 'BPR', map: 0.1325, ndcg: 0.442, precision: 0.3882, recall: 0.2125 },
    { model: 'LightGCN', map: 0.0885, ndcg: 0.4198, precision: 0.3796, recall: 0.1443 },
  ],
  /** An independent numpy run of EASE (λ = 500) under the same protocol, the check on our evaluation code. */
  easeCheck: [
    { seed: 42, ndcg: 0.4891, precision: 0.4253 },
    { seed: 7, ndcg: 0.4874, precision: 0.422 },
  ],
} as const;

export const p2Anchors = {
  source: 'Chat-Rec paper (Gao et al. 2023), ML-100K, top-5',
  rows: [
    { model: 'LightGCN', precision: 0.303, recall: 0.1455, ndcg: 0.3425 },
    { model: 'Chat-Rec (text-davinci-003)', precision: 0.324, recall: 0.1404, ndcg: 0.3802 },
  ],
} as const;

export const p3Anchors = {
  rows: [
    { model: 'SVD (MS Recommenders, 75/25)', rmse: 0.9387, mae: 0.7427 },
    { model: 'Item-KNN (Chat-Rec paper)', rmse: 0.933, mae: 0.734 },
    { model: 'MF (Chat-Rec paper)', rmse: 0.988, mae: 0.771 },
  ],
} as const;
