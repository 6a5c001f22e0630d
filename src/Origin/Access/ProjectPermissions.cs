namespace EdgeRegistry.Origin.Access;

/// <summary>What a caller may do in one project (or to one repository of it).</summary>
[Flags]
internal enum ProjectPermissions
{
    None = 0,

    /// <summary>Pull manifests and blobs, list tags, read image streams.</summary>
    Pull = 1,

    /// <summary>Push blobs and manifests (which creates image streams and moves tags), tag across streams into the project.</summary>
    Push = 2,

    /// <summary>Delete manifests, blobs and tags.</summary>
    Delete = 4,

    /// <summary>Give and take project roles, make the project public or private.</summary>
    ManageBindings = 8,

    All = Pull | Push | Delete | ManageBindings,
}
