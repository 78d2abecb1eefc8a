import { getScores, postScores } from "@/lib/http/score-routes";

export const dynamic = "force-dynamic";
export const POST = postScores;
export const GET = getScores;
