using EdgeRegistry.Signing.Jws;

namespace EdgeRegistry.Signing.Tests.Jws;

public sealed class GoJsonWriterTests
{
    private static readonly object[] Value =
    [
        new GoJsonWriter.Member[]
        {
            new("header", new GoJsonWriter.Member[] { new("alg", "ES256") }),
            new("n", 42),
        },
    ];

    [Fact]
    public void Write_NoIndent_WritesCompactJsonInMemberOrder()
    {
        Assert.Equal("""[{"header":{"alg":"ES256"},"n":42}]""", GoJsonWriter.Write(Value, string.Empty, string.Empty));
    }

    [Fact]
    public void Write_PrefixAndIndent_LaysOutLikeGoMarshalIndent()
    {
        // Go: json.MarshalIndent(v, "   ", "   "): the prefix starts every line but the first.
        const string expected = "[\n      {\n         \"header\": {\n            \"alg\": \"ES256\"\n         },\n         \"n\": 42\n      }\n   ]";

        Assert.Equal(expected, GoJsonWriter.Write(Value, "   ", "   "));
    }

    [Fact]
    public void Write_HtmlAndControlCharacters_EscapesThemLikeGo()
    {
        Assert.Equal("\"a\\u003cb\\u003e\\u0026\\\"\\\\\\n\\u0001\"", GoJsonWriter.Write("a<b>&\"\\\n\u0001", string.Empty, string.Empty));
    }
}
