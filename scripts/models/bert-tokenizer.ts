/**
 * The BERT `[CLS] A [SEP] (B [SEP])` template of a tokenizer.json, as both
 * model generators write it (static-model and MiniLM-shaped).
 */
export function bertTemplateProcessor(clsId: number | undefined, sepId: number | undefined) {
  return {
    type: "TemplateProcessing",
    single: [{ SpecialToken: { id: "[CLS]", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "[SEP]", type_id: 0 } }],
    pair: [
      { SpecialToken: { id: "[CLS]", type_id: 0 } },
      { Sequence: { id: "A", type_id: 0 } },
      { SpecialToken: { id: "[SEP]", type_id: 0 } },
      { Sequence: { id: "B", type_id: 1 } },
      { SpecialToken: { id: "[SEP]", type_id: 1 } },
    ],
    special_tokens: {
      "[CLS]": { id: "[CLS]", ids: [clsId], tokens: ["[CLS]"] },
      "[SEP]": { id: "[SEP]", ids: [sepId], tokens: ["[SEP]"] },
    },
  };
}
