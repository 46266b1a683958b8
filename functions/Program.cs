var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.Run();

/// <summary>The entry point, visible to tests.</summary>
public partial class Program;
