using System.Text.RegularExpressions;

namespace LandRedevelopment.Finance;

/// <summary>The written forms of an amount of money that <see cref="Money.TryParse(string?, out Money)"/> reads.</summary>
internal static partial class MoneyText
{
    // [0-9], not \d: \d also matches other scripts' digits, which decimal parsing would then reject
    // or misread. The decimals group takes any length so that a third decimal can be reported as
    // "not kept to the fen" rather than as unreadable.
    [GeneratedRegex(@"^(?<minus>-)?[¥￥]?(?<integer>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?<decimals>[0-9]+))?$", RegexOptions.CultureInvariant)]
    internal static partial Regex Amount();
}
