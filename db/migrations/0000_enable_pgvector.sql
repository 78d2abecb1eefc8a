-- pgvector: the embeddings table and every kNN query depend on it.
CREATE EXTENSION IF NOT EXISTS vector;
