namespace WaDashboard.Web.Resources;

/// <summary>
/// Core's sentences for people, by phrase code (Evidence.resx and its he/ar/id siblings): the evidence behind a storage
/// finding, cleanup items and answers, storage actions refused, gateway errors the dashboard words itself, sessions found
/// on a gateway server, why the database cannot take writes. Said through <see cref="Localization.PhraseText"/>.
/// </summary>
public sealed class Evidence;
