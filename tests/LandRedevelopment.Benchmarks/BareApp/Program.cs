// The cold-start baseline of the benchmarks: the smallest ASP.NET Core minimal-API app, published
// self-contained and ReadyToRun like the service, answering 200 on the same health route.
var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/api/health", () => Results.Ok(new { status = "Healthy" }));
app.Run();
