namespace EdgeRegistry.Origin.Configuration;

/// <summary>The <c>notifications</c> section: the webhook <c>endpoints</c> every registry event is sent to.</summary>
internal sealed record NotificationsOptions
{
    public IReadOnlyList<NotificationEndpointOptions> Endpoints { get; init; } = [];

    internal static NotificationsOptions Bind(ConfigMapping section)
    {
        var endpoints = new List<NotificationEndpointOptions>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in section.MappingList("endpoints"))
        {
            if (NotificationEndpointOptions.Bind(item) is not { } endpoint)
            {
                continue;
            }

            if (!names.Add(endpoint.Name))
            {
                item.Error("name", $"{ConfigurationErrors.Quote(endpoint.Name)} is used by another endpoint");
                continue;
            }

            endpoints.Add(endpoint);
        }

        section.ReportUnknownKeys();
        return new NotificationsOptions { Endpoints = endpoints };
    }
}
