import { addMember } from "@/lib/services/members/add-member";
import { readJsonObject } from "@/lib/http/read-body";
import { withProject } from "@/lib/http/route-context";

export const dynamic = "force-dynamic";

export const POST = withProject(async (request, ctx) => {
  const body = await readJsonObject(request);
  const result = await addMember({
    ctx: ctx.service,
    input: {
      projectId: ctx.projectId,
      email: String(body.email ?? ""),
      role: body.role as "viewer",
      password: typeof body.password === "string" && body.password !== "" ? body.password : undefined,
      name: typeof body.name === "string" ? body.name : undefined,
    },
  });
  return Response.json(result, { status: 201 });
});
