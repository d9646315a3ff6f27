using OpenMemory.Build.Migrations.Checksums;

namespace OpenMemory.Build.Migrations.Tests;

public class ChecksumTests
{
    private const string Vector = "f64316e71b25e7e950d2440c39420b51dfcc2931e172a923d5b7f89fdc67342d";

    [Theory]
    [InlineData("SELECT 1;\nSELECT 2;")]
    [InlineData("SELECT 1;\r\nSELECT 2;")]
    [InlineData("SELECT 1;\rSELECT 2;")]
    [InlineData("\uFEFFSELECT 1;\r\nSELECT 2;")]
    [InlineData("\n\n  SELECT 1;\nSELECT 2;  \n\t\n")]
    public void Normalized_text_matches_the_documented_test_vector(string text) =>
        Assert.Equal(Vector, MigrationChecksum.Compute(text));

    [Theory]
    [InlineData("SELECT 1;\nSELECT 3;")]
    [InlineData("SELECT 1;\n\nSELECT 2;")]
    [InlineData("select 1;\nSELECT 2;")]
    public void Any_change_inside_the_text_changes_the_checksum(string text) =>
        Assert.NotEqual(Vector, MigrationChecksum.Compute(text));

    [Fact]
    public void Line_endings_are_unified_without_changing_the_number_of_lines() =>
        Assert.Equal("a\nb\n\nc", MigrationChecksum.NormalizeLineEndings("\uFEFFa\r\nb\r\rc"));

    [Theory]
    [InlineData("CREATE TABLE t (id int);")]
    [InlineData("\n\n  CREATE TABLE t (id int);\n\t\n")]
    [InlineData("\uFEFFCREATE TABLE t (id int);\r\n")]
    [InlineData("CREATE TABLE t (id int);\r\nINSERT INTO t VALUES (1);\r")]
    [InlineData("\u00A0CREATE TABLE t (name text DEFAULT 'é');\u2028")]
    [InlineData("\v\fSELECT 1;\u0085")]
    [InlineData("\u2003SELECT 'café';  ")]
    [InlineData("SELECT 1; -- café")]
    [InlineData("\u001CSELECT 1;\u001F")]
    [InlineData("   \n  ")]
    [InlineData("")]
    public void A_file_hashed_from_its_bytes_gets_the_checksum_of_its_text(string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        Assert.Equal(MigrationChecksum.Compute(text), MigrationChecksum.TryHashAsIs(bytes) ?? MigrationChecksum.Compute(text));
    }
}
