import { unknownRouteHandlers } from "@/lib/http/unknown-route";

export const dynamic = "force-dynamic";
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = unknownRouteHandlers;
