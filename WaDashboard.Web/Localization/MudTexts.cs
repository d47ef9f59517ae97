using Microsoft.Extensions.Localization;
using MudBlazor;
using WaDashboard.Web.Resources;

namespace WaDashboard.Web.Localization;

/// <summary>
/// MudBlazor's own words (the sort button's label, a number field's arrows, close buttons) from the console's resources,
/// under "Mud.{MudBlazor's key}"; a key the console does not carry falls back to MudBlazor's English.
/// </summary>
public sealed class MudTexts(IStringLocalizer<Ui> ui) : MudLocalizer
{
    public override LocalizedString this[string key] => ui[$"Mud.{key}"] is { ResourceNotFound: false } text ? new(key, text.Value) : base[key];

    public override LocalizedString this[string key, params object[] arguments] =>
        ui[$"Mud.{key}", arguments] is { ResourceNotFound: false } text ? new(key, text.Value) : base[key, arguments];
}
