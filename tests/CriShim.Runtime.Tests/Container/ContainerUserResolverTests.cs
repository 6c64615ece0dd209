using CriShim.Protocol.V1;
using CriShim.Runtime.Container;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Tests.Container;

public sealed class ContainerUserResolverTests
{
    private static readonly UserDatabase Users = UserDatabase.Parse(
        """
        root:x:0:0:root:/root:/bin/sh
        # a comment
        app:x:1000:1000:App:/home/app:/bin/sh
        broken line
        daemon:x:2:2::/sbin:/bin/false
        """,
        """
        root:x:0:
        app:x:1000:
        audio:x:29:app,daemon
        video:x:44:daemon
        staff:x:50:app
        """);

    private static LinuxContainerSecurityContext Context(long? uid = null, string user = "", long? gid = null, params long[] supplemental)
    {
        var c = new LinuxContainerSecurityContext { RunAsUsername = user };
        if (uid is not null)
        {
            c.RunAsUser = new Int64Value { Value = uid.Value };
        }
        if (gid is not null)
        {
            c.RunAsGroup = new Int64Value { Value = gid.Value };
        }
        c.SupplementalGroups.AddRange(supplemental);
        return c;
    }

    [Fact]
    public void Run_as_user_takes_the_primary_group_and_memberships_from_the_image()
    {
        var user = ContainerUserResolver.Resolve(Context(uid: 1000), "daemon", Users);
        Assert.Equal((1000L, 1000L), (user.Uid, user.Gid));
        Assert.Equal([1000L, 29L, 50L], user.AdditionalGids);
        Assert.Equal("/home/app", user.Home);
    }

    [Fact]
    public void Unknown_numeric_uid_runs_with_gid_zero()
    {
        var user = ContainerUserResolver.Resolve(Context(uid: 4242), null, Users);
        Assert.Equal((4242L, 0L), (user.Uid, user.Gid));
        Assert.Equal([0L], user.AdditionalGids);
        Assert.Equal("/", user.Home);
    }

    [Fact]
    public void Run_as_username_resolves_against_passwd()
    {
        var user = ContainerUserResolver.Resolve(Context(user: "daemon"), null, Users);
        Assert.Equal((2L, 2L), (user.Uid, user.Gid));
        Assert.Equal([2L, 29L, 44L], user.AdditionalGids);
    }

    [Fact]
    public void Run_as_group_overrides_the_primary_group_and_supplemental_groups_are_added()
    {
        var user = ContainerUserResolver.Resolve(Context(uid: 1000, gid: 3000, supplemental: [5000, 29]), null, Users);
        Assert.Equal(3000L, user.Gid);
        Assert.Equal([3000L, 29L, 50L, 5000L], user.AdditionalGids);
    }

    [Fact]
    public void Strict_policy_ignores_the_image_group_file()
    {
        var context = Context(uid: 1000, supplemental: [7]);
        context.SupplementalGroupsPolicy = SupplementalGroupsPolicy.Strict;
        Assert.Equal([1000L, 7L], ContainerUserResolver.Resolve(context, null, Users).AdditionalGids);
    }

    [Fact]
    public void Run_as_group_without_a_user_is_invalid_argument()
    {
        var e = Assert.Throws<InvalidArgumentException>(() => ContainerUserResolver.Resolve(Context(gid: 10), "app", Users));
        Assert.Contains("run_as_group", e.Message);
    }

    [Theory]
    [InlineData("", 0, 0)]
    [InlineData("app", 1000, 1000)]
    [InlineData("1000", 1000, 1000)]
    [InlineData("app:audio", 1000, 29)]
    [InlineData("1000:44", 1000, 44)]
    [InlineData("777:888", 777, 888)]
    [InlineData("777", 777, 0)]
    public void Image_user_forms(string imageUser, long uid, long gid)
    {
        var user = ContainerUserResolver.Resolve(null, imageUser, Users);
        Assert.Equal((uid, gid), (user.Uid, user.Gid));
    }

    [Theory]
    [InlineData("nobody")]
    [InlineData("app:nogroup")]
    public void Unknown_image_user_or_group_is_invalid_argument(string imageUser)
    {
        Assert.Throws<InvalidArgumentException>(() => ContainerUserResolver.Resolve(null, imageUser, Users));
    }

    [Fact]
    public void Unknown_run_as_username_is_invalid_argument()
    {
        Assert.Throws<InvalidArgumentException>(() => ContainerUserResolver.Resolve(Context(user: "ghost"), null, Users));
    }
}
