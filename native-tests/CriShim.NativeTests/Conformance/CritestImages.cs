using System.Text.RegularExpressions;
using CriShim.NativeTests.Infrastructure;

namespace CriShim.NativeTests.Conformance;

/// <summary>
/// The images critest v1.26.1 pulls, built here from Debian's files and pushed to a local registry under the
/// repository paths of their upstream names (<c>e2e-test-images/busybox:1.29-2</c> for
/// <c>registry.k8s.io/e2e-test-images/busybox:1.29-2</c>); <see cref="RegistriesConf"/> maps the upstream
/// registries there. Only what the specs look at is reproduced:
/// <list type="bullet">
/// <item>busybox: Debian's dynamically linked <c>busybox</c> (its shell executes <c>/bin/ls</c> instead of running
/// the applet in-process as busybox-static's does, so a masked <c>/bin/ls</c> is "Permission denied"), plus
/// <c>pgrep</c> (procps) and <c>ipcs</c> (util-linux) with their libraries, which Debian's busybox lacks;
/// users root, www-data and nobody.</item>
/// <item>nginx and hostnet-nginx: a stand-in program named <c>nginx</c> (below) that titles itself
/// "nginx: master process", writes <c>/var/run/nginx.pid</c> and answers HTTP 200 on port 80 (12003 for the
/// host-network one, as the upstream image's <c>default.conf</c>).</item>
/// <item>httpd: busybox httpd on port 80, logging the command line as Apache does ("httpd -D FOREGROUND").</item>
/// <item>nonewprivs: a setuid-root program printing "Effective uid: N", as the upstream <c>nnp</c>.</item>
/// <item>cri-tools' own test images: distinct images per name, one image under three tags, fixed USERs and the
/// predefined group 50000 of user 1000.</item>
/// </list>
/// <c>test-image-digest@sha256:9700f9a2...</c> cannot be rebuilt: its digest pins the upstream manifest's bytes.
/// </summary>
public static class CritestImages
{
    private const string E2e = "e2e-test-images";
    private const string CriTools = "k8s-staging-cri-tools";
    private const string DefaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>A library path in <c>ldd</c>'s output (<c>libc.so.6 => /lib/.../libc.so.6 (0x...)</c>, or the loader's own line).</summary>
    private const string Libraries = @"(?:=> )?(/\S+) \(0x";

    private const string NginxStandIn = """
        #include <netinet/in.h>
        #include <signal.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <sys/socket.h>
        #include <unistd.h>
        static const char page[] = "<html><body><h1>Welcome to nginx!</h1></body></html>\n";
        static void stop(int sig) { (void)sig; unlink("/var/run/nginx.pid"); _exit(0); }
        int main(int argc, char **argv) {
            (void)argc;
            if (strncmp(argv[0], "nginx: ", 7) != 0) {
                /* Re-executed by path so the process name stays "nginx" while the command line carries the title. */
                char *title[] = { "nginx: master process nginx -g daemon off;", NULL };
                execv("/usr/sbin/nginx", title);
                perror("execv /usr/sbin/nginx");
                return 1;
            }
            signal(SIGTERM, stop);
            signal(SIGINT, stop);
            signal(SIGQUIT, stop);
            const char *port = getenv("NGINX_PORT");
            int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
            setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
            struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(port ? atoi(port) : 80) };
            if (bind(s, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(s, 64) != 0) {
                perror("listen");
                return 1;
            }
            FILE *pid = fopen("/var/run/nginx.pid", "w");
            fprintf(pid, "%d\n", getpid());
            fclose(pid);
            for (;;) {
                int c = accept(s, NULL, NULL);
                if (c < 0) continue;
                char request[8192];
                size_t have = 0;
                ssize_t n;
                /* Read the whole request head: closing with unread input would reset the connection. */
                while (have < sizeof request - 1 && (n = read(c, request + have, sizeof request - 1 - have)) > 0) {
                    have += (size_t)n;
                    request[have] = 0;
                    if (strstr(request, "\r\n\r\n")) break;
                }
                dprintf(c, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
                    strlen(page), page);
                close(c);
            }
        }
        """;

    private const string PrintEffectiveUid = """
        #include <stdio.h>
        #include <unistd.h>
        int main(void) { printf("Effective uid: %d\n", (int)geteuid()); return 0; }
        """;

    private const string Passwd = """
        root:x:0:0:root:/root:/bin/sh
        daemon:x:1:1:daemon:/usr/sbin:/bin/false
        www-data:x:33:33:www-data:/var/www:/bin/false
        nobody:x:65534:65534:nobody:/home:/bin/false

        """;

    private const string Group = """
        root:x:0:
        daemon:x:1:
        www-data:x:33:
        users:x:100:
        nogroup:x:65534:

        """;

    /// <summary>registries.conf that sends every upstream name critest uses to <paramref name="registry"/>, and nowhere else.</summary>
    public static string RegistriesConf(TestRegistry registry) => $"""
        [[registry]]
        prefix = "registry.k8s.io"
        location = "{registry.Host}"
        insecure = true

        [[registry]]
        prefix = "gcr.io/k8s-staging-cri-tools"
        location = "{registry.Host}/{CriTools}"
        insecure = true

        """;

    /// <summary>Builds every image in <paramref name="workDir"/> (the Debian busybox package is cached there) and pushes it.</summary>
    public static async Task PushAsync(TestRegistry registry, string workDir)
    {
        var busybox = TestLayer.From(await BusyboxLayerAsync(workDir));
        var nginx = TestLayer.From(await NginxLayerAsync(workDir));
        var sh = new[] { "sh" };

        await TestImages.Build([busybox], cmd: sh).PushAsync(registry, $"{E2e}/busybox", "1.29-2");
        await TestImages.Build([busybox, nginx], cmd: ["nginx", "-g", "daemon off;"], env: [DefaultPath])
            .PushAsync(registry, $"{E2e}/nginx", "1.14-2");
        await TestImages.Build([busybox, nginx], cmd: ["nginx", "-g", "daemon off;"], env: [DefaultPath, "NGINX_PORT=12003"])
            .PushAsync(registry, $"{CriTools}/hostnet-nginx-amd64", "latest");
        await TestImages.Build([busybox, TestLayer.From(HttpdLayer())], cmd: ["httpd-foreground"])
            .PushAsync(registry, $"{E2e}/httpd", "2.4.39-4");
        await TestImages.Build([busybox, TestLayer.From(await NoNewPrivsLayerAsync(workDir))], entrypoint: ["/usr/local/bin/nnp"], cmd: [])
            .PushAsync(registry, $"{E2e}/nonewprivs", "1.3");

        foreach (var (repository, tag) in new[]
        {
            ("test-image-latest", "latest"), ("test-image-tag", "test"), ("test-image-tag", "all"),
            ("test-image-1", "latest"), ("test-image-2", "latest"), ("test-image-3", "latest"),
        })
        {
            // A file named after the image, as cri-tools' images/image-test does, so each name is its own image.
            var marker = TestLayer.From(TestImages.Tar(w => w.File(repository, repository + "\n")));
            await TestImages.Build([busybox, marker], cmd: sh).PushAsync(registry, $"{CriTools}/{repository}", tag);
        }
        var tags = TestImages.Build([busybox, TestLayer.From(TestImages.Tar(w => w.File("test-image-tags", "tags\n")))], cmd: sh);
        foreach (var tag in new[] { "1", "2", "3" })
        {
            await tags.PushAsync(registry, $"{CriTools}/test-image-tags", tag);
        }
        foreach (var (repository, user) in new[]
        {
            ("test-image-user-uid", "1002"), ("test-image-user-username", "www-data"),
            ("test-image-user-uid-group", "1003:users"), ("test-image-user-username-group", "www-data:www-data"),
        })
        {
            await TestImages.Build([busybox], user: user, cmd: sh).PushAsync(registry, $"{CriTools}/{repository}", "latest");
        }
        var predefinedGroup = TestImages.Tar(w =>
        {
            w.File("etc/passwd", Passwd + "default-user:x:1000:1000::/home/default-user:/bin/sh\n");
            w.File("etc/group", Group + "default-user:x:1000:\ngroup-defined-in-image:x:50000:default-user\n");
        });
        await TestImages.Build([busybox, TestLayer.From(predefinedGroup)], user: "1000", cmd: sh)
            .PushAsync(registry, $"{CriTools}/test-image-predefined-group", "latest");
    }

    /// <summary>Debian's dynamic busybox with a hard link per applet in /bin, pgrep and ipcs, their libraries, passwd and group.</summary>
    private static async Task<byte[]> BusyboxLayerAsync(string workDir)
    {
        var busybox = await DebianBusyboxAsync(workDir);
        var applets = (await Shell.Run(busybox, "--list")).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var tools = new[] { "/usr/bin/pgrep", "/usr/bin/ipcs" };
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["bin/busybox"] = busybox };
        foreach (var tool in tools)
        {
            files[tool.TrimStart('/')] = tool;
        }
        foreach (var binary in files.Values.ToList())
        {
            foreach (Match library in Regex.Matches(await Shell.Run("ldd", binary), Libraries))
            {
                files[library.Groups[1].Value.TrimStart('/')] = library.Groups[1].Value;
            }
        }
        return TestImages.Tar(w =>
        {
            var directories = new SortedSet<string>(StringComparer.Ordinal)
            {
                "bin", "sbin", "etc", "home", "root", "tmp", "usr", "usr/bin", "usr/sbin", "usr/local", "usr/local/bin",
                "var", "var/run", "var/log", "var/www", "proc", "sys", "dev",
            };
            foreach (var path in files.Keys)
            {
                for (var parent = Path.GetDirectoryName(path); !string.IsNullOrEmpty(parent); parent = Path.GetDirectoryName(parent))
                {
                    directories.Add(parent);
                }
            }
            foreach (var directory in directories)
            {
                w.Directory(directory, directory switch { "tmp" => (UnixFileMode)0x3FF, "root" => (UnixFileMode)0x1C0, _ => (UnixFileMode)0x1ED });
            }
            foreach (var (path, source) in files)
            {
                // File.ReadAllBytes follows the host's symlinks (libc.so.6 -> libc-2.36.so): the image gets the content.
                w.File(path, File.ReadAllBytes(source), (UnixFileMode)0x1ED);
            }
            // Hard links, as the upstream busybox images have: masking /bin/ls covers that name only, where a
            // symlink would lead the mount to /bin/busybox and take every applet with it.
            foreach (var applet in applets.Where(a => a != "busybox"))
            {
                w.HardLink("bin/" + applet, "bin/busybox");
            }
            w.File("etc/passwd", Passwd);
            w.File("etc/group", Group);
        });
    }

    /// <summary>
    /// /bin/busybox of Debian's <c>busybox</c> package, which conflicts with the installed busybox-static: fetched with
    /// <c>apt-get download</c> (as tests/vm/build-vm.sh fetches the kernel) and unpacked with <c>dpkg -x</c>, once per work dir.
    /// </summary>
    private static async Task<string> DebianBusyboxAsync(string workDir)
    {
        var unpacked = Path.Combine(workDir, "busybox-deb");
        var binary = Path.Combine(unpacked, "bin", "busybox");
        if (File.Exists(binary))
        {
            return binary;
        }
        Directory.CreateDirectory(workDir);
        var (code, output) = await Shell.TryRunIn(workDir, "apt-get", "download", "busybox");
        if (code != 0)
        {
            // A fresh machine may have no package lists yet (install-deps.sh updates them only to install something).
            await Shell.TryRunIn(workDir, "apt-get", "update", "-qq");
            (code, output) = await Shell.TryRunIn(workDir, "apt-get", "download", "busybox");
        }
        Assert.True(code == 0, $"apt-get download busybox (Debian's dynamically linked busybox for critest's busybox image) failed: {output}");
        var deb = Directory.GetFiles(workDir, "busybox_*.deb").Single();
        await Shell.Run("dpkg", "-x", deb, unpacked);
        return binary;
    }

    private static async Task<byte[]> NginxLayerAsync(string workDir)
    {
        var program = await CompileStaticAsync(workDir, "nginx", NginxStandIn);
        return TestImages.Tar(w =>
        {
            w.File("usr/sbin/nginx", program, (UnixFileMode)0x1ED);
            w.Directory("etc/nginx");
            w.Directory("usr/share");
            w.Directory("usr/share/nginx");
            w.Directory("usr/share/nginx/html");
            w.File("usr/share/nginx/html/index.html", "<html><body><h1>Welcome to nginx!</h1></body></html>\n");
        });
    }

    private static byte[] HttpdLayer() => TestImages.Tar(w =>
    {
        w.File("usr/local/bin/httpd-foreground", """
            #!/bin/sh
            # As Apache's image logs its start (AH00094), then busybox httpd serves the page in the foreground.
            echo "[mpm_event:notice] AH00489: Apache/2.4.39 (Unix) configured -- resuming normal operations" >&2
            echo "[core:notice] AH00094: Command line: 'httpd -D FOREGROUND'" >&2
            exec httpd -f -v -p 80 -h /usr/local/apache2/htdocs

            """, (UnixFileMode)0x1ED);
        w.Directory("usr/local/apache2");
        w.Directory("usr/local/apache2/htdocs");
        w.File("usr/local/apache2/htdocs/index.html", "<html><body><h1>It works!</h1></body></html>\n");
    });

    private static async Task<byte[]> NoNewPrivsLayerAsync(string workDir)
    {
        var program = await CompileStaticAsync(workDir, "nnp", PrintEffectiveUid);
        return TestImages.Tar(w => w.File("usr/local/bin/nnp", program, UnixFileMode.SetUser | (UnixFileMode)0x1ED));
    }

    private static async Task<byte[]> CompileStaticAsync(string workDir, string name, string source)
    {
        var build = Directory.CreateDirectory(Path.Combine(workDir, "build")).FullName;
        var (c, output) = (Path.Combine(build, name + ".c"), Path.Combine(build, name));
        await File.WriteAllTextAsync(c, source);
        await Shell.Run("gcc", "-static", "-O2", "-Wall", "-o", output, c);
        return await File.ReadAllBytesAsync(output);
    }
}
