namespace WaDashboard.Web.Resources;

// The console's words, one resource file per area (Ui.resx, Ui.he.resx, Ui.ar.resx, Ui.id.resx; the same for the
// others). Each class only names its resource for IStringLocalizer<T>; the texts live in the .resx files beside it.

/// <summary>Pages, dialogs, buttons, empty states and chart labels of the console, the sign-in and first-run pages.</summary>
public sealed class Ui;

/// <summary>The status names and what each state means; each disconnect reason's title, explanation and next action.</summary>
public sealed class Reasons;

/// <summary>Every storage finding's title and explanation, each repair's button and recommendation, the verdicts.</summary>
public sealed class Findings;
