using System.Text;
using Kubetrace.Storage.Model;

namespace Kubetrace.Tests.Storage;

public class UuidTests
{
    [Theory]
    [InlineData("0b5e3a4c-1d2f-4e6a-8b9c-0d1e2f3a4b5c")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("ffffffff-ffff-ffff-ffff-ffffffffffff")]
    public void Canonical_lowercase_text_becomes_a_number_that_formats_back_to_the_same_text(string text)
    {
        Assert.True(Uuid.TryParse(Encoding.UTF8.GetBytes(text), out var fromBytes));
        Assert.True(Uuid.TryParse(text, out var fromString));
        Assert.Equal(fromString, fromBytes);
        Assert.Equal(text, Uuid.Format(fromBytes));
    }

    [Theory]
    [InlineData("0B5E3A4C-1D2F-4E6A-8B9C-0D1E2F3A4B5C")] // uppercase would come back lowercase
    [InlineData("0b5e3a4c-1d2f-4e6a-8b9c-0d1e2f3a4b5")]  // short
    [InlineData("0b5e3a4c1d2f-4e6a-8b9c-0d1e2f3a4b5c-")]  // dashes elsewhere
    [InlineData("0b5e3a4c-1d2f-4e6a-8b9c-0d1e2f3a4b5g")]
    [InlineData("0b5e3a4c-1d2f-4e6a-8b9c-0d1e2f3a4b5/")]
    [InlineData("g0000000-0000-0000-0000-000000000000")]
    public void Anything_else_stays_text(string text)
    {
        Assert.False(Uuid.TryParse(Encoding.UTF8.GetBytes(text), out _));
        Assert.False(Uuid.TryParse(text, out _));
    }
}
