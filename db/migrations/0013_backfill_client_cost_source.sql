-- Before the price table, every stored cost was the client's own: record it as such,
-- so re-pricing (which never touches a client's cost) leaves it alone.
UPDATE "traces" SET "cost_source" = 'client' WHERE "cost_usd" IS NOT NULL AND "cost_source" IS NULL;
