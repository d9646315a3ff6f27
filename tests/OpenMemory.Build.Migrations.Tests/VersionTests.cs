using OpenMemory.Build.Migrations.Discovery;

namespace OpenMemory.Build.Migrations.Tests;

public class VersionTests
{
    [Theory]
    [InlineData("001_create_users.sql", "001", "Create users", null)]
    [InlineData("V1__create_users.sql", "1", "Create users", null)]
    [InlineData("v2_1__add_index.sql", "2.1", "Add index", null)]
    [InlineData("1.2.0_multi-user_tenant_support.sql", "1.2.0", "Multi-user tenant support", null)]
    [InlineData("20250101120000_seed.sql", "20250101120000", "Seed", null)]
    [InlineData("1.2.0_tenants.sqlite.sql", "1.2.0", "Tenants", "sqlite")]
    [InlineData("1.2.0_tenants.postgres.sql", "1.2.0", "Tenants", "postgres")]
    [InlineData("007.sql", "007", "", null)]
    [InlineData("3-add-things.SQL", "3", "Add-things", null)]
    [InlineData("20150100000001000000_networks.postgres.up.sql", "20150100000001000000", "Networks", "postgres")]
    [InlineData("20150100000001000000_networks.down.sql", "20150100000001000000", "Networks", null)]
    [InlineData("20190101000000000008_index.postgres.autocommit.up.sql", "20190101000000000008", "Index", "postgres")]
    [InlineData("20160808213308_create_users.sqlite3.up.sql", "20160808213308", "Create users", "sqlite3")]
    public void File_names_give_version_description_and_provider(string fileName, string version, string description, string? provider)
    {
        var name = MigrationFileName.TryParse(fileName);
        Assert.NotNull(name);
        Assert.Equal(version, name.Version.Text);
        Assert.Equal(description, name.Description);
        Assert.Equal(provider, name.ProviderTag);
    }

    [Theory]
    [InlineData("create_users.sql")]
    [InlineData("V__x.sql")]
    [InlineData("1.2.0_x.txt")]
    [InlineData("1..2_x.sql")]
    [InlineData("_1_x.sql")]
    [InlineData("1_x.postgres.sqlite.up.sql")]
    public void Names_without_a_version_are_refused(string fileName) => Assert.Null(MigrationFileName.TryParse(fileName));

    [Theory]
    [InlineData("1.9", "1.10")]
    [InlineData("9", "10")]
    [InlineData("009", "10")]
    [InlineData("1.2", "1.2.1")]
    [InlineData("2", "10.0")]
    [InlineData("20250101120000", "20250101120001")]
    [InlineData("20150101120000", "20150100000001000000")]
    [InlineData("99999999999999999999999", "100000000000000000000000")]
    public void Versions_order_numerically_by_segment(string lower, string higher)
    {
        Assert.True(MigrationVersion.Parse(lower) < MigrationVersion.Parse(higher));
        Assert.True(MigrationVersion.Parse(higher) > MigrationVersion.Parse(lower));
    }

    [Theory]
    [InlineData("1.2", "1.2.0")]
    [InlineData("001", "1")]
    [InlineData("1.02", "1.2")]
    public void Leading_zeros_and_trailing_zero_segments_do_not_matter(string left, string right)
    {
        Assert.Equal(MigrationVersion.Parse(left), MigrationVersion.Parse(right));
        Assert.Equal(0, MigrationVersion.Parse(left).CompareTo(MigrationVersion.Parse(right)));
    }

    [Fact]
    public void Sorting_file_names_by_version_is_not_sorting_them_as_text()
    {
        var names = new[] { "10_x.sql", "9_x.sql", "1.10_x.sql", "1.9_x.sql", "2_x.sql" };
        var sorted = names.Select(n => MigrationFileName.TryParse(n)!.Version).Order().Select(v => v.Text);
        Assert.Equal(["1.9", "1.10", "2", "9", "10"], sorted);
    }
}
