import { postLangfuseIngestion } from "@/lib/http/ingest-routes";

export const dynamic = "force-dynamic";
export const POST = postLangfuseIngestion;
