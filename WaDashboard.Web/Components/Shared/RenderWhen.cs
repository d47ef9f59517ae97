using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace WaDashboard.Web.Components.Shared;

/// <summary>
/// Renders its content the first time and then only when <see cref="Version"/> changes, however often its parent
/// renders: a page can refresh a cheap part (a summary) without re-rendering an expensive one (a grid) whose data did
/// not change. The parent bumps the version whenever the content may look different.
/// </summary>
public sealed class RenderWhen : ComponentBase
{
    private long? _rendered;

    [Parameter, EditorRequired]
    public long Version { get; set; }

    [Parameter]
    public RenderFragment? ChildContent { get; set; }

    protected override bool ShouldRender() => _rendered != Version;

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        _rendered = Version;
        builder.AddContent(0, ChildContent);
    }
}
