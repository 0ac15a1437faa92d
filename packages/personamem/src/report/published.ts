/** Published PersonaMem overall accuracies, as reference lines in reports. */
export interface PublishedScore {
  model: string;
  accuracy: number;
  split: '32k' | '128k';
  source: string;
}

/** Jiang et al. 2025 ("Know Me, Respond to Me"), overall accuracy at 128k. */
export const published128k: readonly PublishedScore[] = [
  { model: 'GPT-4.5', accuracy: 0.52, split: '128k', source: 'paper' },
  { model: 'GPT-4.1', accuracy: 0.52, split: '128k', source: 'paper' },
  { model: 'o1', accuracy: 0.5, split: '128k', source: 'paper' },
  { model: 'Gemini-2.0-Flash', accuracy: 0.49, split: '128k', source: 'paper' },
  { model: 'GPT-4o', accuracy: 0.45, split: '128k', source: 'paper' },
  { model: 'GPT-4o-mini', accuracy: 0.39, split: '128k', source: 'paper' },
  { model: 'Llama-3.1-405B', accuracy: 0.31, split: '128k', source: 'paper' },
  { model: 'Claude-3.7-Sonnet', accuracy: 0.26, split: '128k', source: 'paper' },
];

/** The authors' prediction files for the 589 released 32k questions, as scored in SOURCE.md. */
export const published32k: readonly PublishedScore[] = [
  { model: 'GPT-4o top-5 retrieval', accuracy: 0.642, split: '32k', source: 'pred_32k_k=5_r=rag_m=gpt-4o.csv' },
  { model: 'GPT-4o-mini top-5 retrieval', accuracy: 0.491, split: '32k', source: 'pred_32k_k=5_r=rag_m=gpt-4o-mini.csv' },
  { model: 'GPT-4o full context', accuracy: 0.469, split: '32k', source: 'pred_32k_k=5_r=none_m=gpt-4o.csv' },
  { model: 'GPT-4o-mini full context', accuracy: 0.345, split: '32k', source: 'pred_32k_k=5_r=none_m=gpt-4o-mini.csv' },
];
