/**
 * A small labelled set for the embedding tests: each anchor has a paraphrase and an unrelated text.
 * A useful sentence model puts the paraphrase closer to the anchor than the unrelated text.
 */
export const PARAPHRASE_TRIPLES: readonly (readonly [anchor: string, paraphrase: string, unrelated: string])[] = [
  ["how do I reset my password", "I forgot my password, how can I change it", "write a SQL query joining two tables"],
  ["what is the weather like in Paris today", "tell me today's forecast for Paris", "summarize this legal contract"],
  ["translate this sentence into French", "please convert this text to French", "how many calories are in an apple"],
  ["my order has not arrived yet", "where is my package? it is late", "explain quantum entanglement simply"],
  ["cancel my subscription", "I want to stop my monthly plan", "recommend a good science fiction novel"],
  ["write a poem about the ocean", "compose a short verse about the sea", "debug this python stack trace"],
  ["the app crashes when I upload a photo", "uploading an image makes the application crash", "what time does the store open"],
  ["how do I bake sourdough bread", "give me a recipe for sourdough", "book a flight to Tokyo"],
  ["what are the symptoms of the flu", "how do I know if I have influenza", "convert this CSV file to JSON"],
  ["I was charged twice for the same purchase", "there is a duplicate payment on my credit card", "who won the football match last night"],
  ["summarize this article in three sentences", "give me a short summary of this text", "what is the capital of Australia"],
  ["how can I improve my resume", "tips to make my CV better for job applications", "the dog barked at the mailman"],
  ["explain how neural networks learn", "how does training a deep learning model work", "find cheap hotels near the beach"],
  ["book a table for two at an Italian restaurant tonight", "reserve dinner for two people this evening, Italian food", "how to install a new graphics card"],
  ["is it safe to travel to Japan in winter", "should I visit Japan during the cold season", "fix the broken link on the homepage"],
  ["the server returns a timeout error", "requests to the API keep timing out", "plant tomatoes in the garden in spring"],
  ["what is the best way to learn Spanish", "how should I study Spanish effectively", "my laptop battery drains too fast"],
  ["write an email apologizing for the delay", "draft a message saying sorry for being late with the delivery", "calculate the area of a circle"],
  ["how much does a flight to London cost", "what is the price of airline tickets to London", "the movie was boring and too long"],
  ["help me write a birthday message for my mother", "I need a happy birthday note for my mom", "compare interest rates of savings accounts"],
];

export const LONG_TEXT = Array.from({ length: 700 }, (_, i) => ["the", "model", "reads", "every", "word", "of", "this", "long", "response"][i % 9]).join(" ");
