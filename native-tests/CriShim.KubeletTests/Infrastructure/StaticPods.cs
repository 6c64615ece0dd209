namespace CriShim.KubeletTests.Infrastructure;

/// <summary>
/// The static pods the tests look at, all written when the node starts so they run side by side. Each is a
/// plain Pod manifest of the busybox test image (commands are busybox applets), one per scenario.
/// </summary>
public static class StaticPods
{
    /// <summary>A long log line: more than the 16 KiB crishim writes per CRI log record, so it is split.</summary>
    public const int LongLineLength = 40_000;

    public static IEnumerable<(string Name, string Manifest)> All(KubeletNode node)
    {
        var image = node.Image;
        string Pod(string name, string spec) => $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: {{name}}
              namespace: {{KubeletNode.Namespace}}
              labels:
                app: {{name}}
                suite: crishim
              annotations:
                crishim.test/scenario: {{name}}
            spec:
            {{spec}}
            """;

        yield return ("localhost", Pod("localhost", $$"""
              terminationGracePeriodSeconds: 1
              containers:
              - name: server
                image: {{image}}
                command: [sh, -c, "mkdir -p /www && echo hello-over-localhost > /www/index.html && exec httpd -f -p 8080 -h /www"]
              - name: client
                image: {{image}}
                command: [sh, -c, "until wget -qO- http://localhost:8080/; do sleep 0.2; done; exec sleep 3600"]
            """));

        yield return ("emptydir", Pod("emptydir", $$"""
              terminationGracePeriodSeconds: 1
              volumes:
              - name: shared
                emptyDir: {}
              containers:
              - name: writer
                image: {{image}}
                command: [sh, -c, "echo written-by-$(hostname)-writer > /data/message.tmp && mv /data/message.tmp /data/message && exec sleep 3600"]
                volumeMounts:
                - {name: shared, mountPath: /data}
              - name: sidecar
                image: {{image}}
                command: [sh, -c, "until [ -f /shared/message ]; do sleep 0.2; done; cat /shared/message; exec sleep 3600"]
                volumeMounts:
                - {name: shared, mountPath: /shared, readOnly: true}
            """));

        yield return ("init-order", Pod("init-order", $$"""
              terminationGracePeriodSeconds: 1
              volumes:
              - name: work
                emptyDir: {}
              initContainers:
              - name: first
                image: {{image}}
                command: [sh, -c, "echo first >> /work/order; sleep 1"]
                volumeMounts:
                - {name: work, mountPath: /work}
              - name: second
                image: {{image}}
                command: [sh, -c, "grep -q first /work/order && echo second >> /work/order"]
                volumeMounts:
                - {name: work, mountPath: /work}
              containers:
              - name: app
                image: {{image}}
                command: [sh, -c, "echo order: $(cat /work/order); exec sleep 3600"]
                volumeMounts:
                - {name: work, mountPath: /work}
            """));

        yield return ("init-fails", Pod("init-fails", $$"""
              terminationGracePeriodSeconds: 1
              initContainers:
              - name: failing
                image: {{image}}
                command: [sh, -c, "echo init attempt; exit 7"]
              containers:
              - name: app
                image: {{image}}
                command: [sh, -c, "echo app must not start; exec sleep 3600"]
            """));

        yield return ("probes", Pod("probes", $$"""
              terminationGracePeriodSeconds: 1
              containers:
              - name: web
                image: {{image}}
                command: [sh, -c, "mkdir -p /www && echo ok > /www/ready.html && echo ok > /www/live.html && exec httpd -f -p 8080 -h /www"]
                readinessProbe:
                  httpGet: {path: /ready.html, port: 8080}
                  periodSeconds: 1
                  failureThreshold: 1
                livenessProbe:
                  httpGet: {path: /live.html, port: 8080}
                  periodSeconds: 1
                  failureThreshold: 2
              - name: worker
                image: {{image}}
                command: [sh, -c, "touch /tmp/ready /tmp/alive; exec sleep 3600"]
                readinessProbe:
                  exec: {command: [test, -f, /tmp/ready]}
                  periodSeconds: 1
                  failureThreshold: 1
                livenessProbe:
                  exec: {command: [test, -f, /tmp/alive]}
                  periodSeconds: 1
                  failureThreshold: 2
            """));

        yield return ("hooks", Pod("hooks", $$"""
              terminationGracePeriodSeconds: 5
              volumes:
              - name: host
                hostPath: {path: {{node.HostPathDir}}, type: Directory}
              containers:
              - name: app
                image: {{image}}
                command: [sh, -c, "echo main-started >> /host/hooks; exec sleep 3600"]
                volumeMounts:
                - {name: host, mountPath: /host}
                lifecycle:
                  postStart:
                    exec: {command: [sh, -c, "echo postStart >> /host/hooks"]}
                  preStop:
                    exec: {command: [sh, -c, "echo preStop >> /host/hooks"]}
            """));

        yield return ("graceful", Pod("graceful", $$"""
              terminationGracePeriodSeconds: 3
              volumes:
              - name: host
                hostPath: {path: {{node.HostPathDir}}, type: Directory}
              containers:
              - name: stubborn
                image: {{image}}
                command: [sh, -c, "trap 'echo TERM >> /host/stubborn' TERM; echo started > /host/stubborn; while true; do sleep 0.1; done"]
                volumeMounts:
                - {name: host, mountPath: /host}
              - name: polite
                image: {{image}}
                command: [sh, -c, "trap 'echo TERM >> /host/polite; exit 0' TERM; echo started > /host/polite; while true; do sleep 0.1; done"]
                volumeMounts:
                - {name: host, mountPath: /host}
            """));

        yield return ("restart-always", Pod("restart-always", $$"""
              restartPolicy: Always
              containers:
              - name: app
                image: {{image}}
                command: [sh, -c, "echo run; exit 3"]
            """));

        yield return ("restart-onfailure", Pod("restart-onfailure", $$"""
              restartPolicy: OnFailure
              containers:
              - name: succeeds
                image: {{image}}
                command: [sh, -c, "echo done; exit 0"]
              - name: fails
                image: {{image}}
                command: [sh, -c, "echo failing; exit 4"]
            """));

        yield return ("restart-never-ok", Pod("restart-never-ok", $$"""
              restartPolicy: Never
              containers:
              - name: app
                image: {{image}}
                command: [sh, -c, "echo fine; exit 0"]
            """));

        yield return ("restart-never-fail", Pod("restart-never-fail", $$"""
              restartPolicy: Never
              containers:
              - name: app
                image: {{image}}
                command: [sh, -c, "echo broken; exit 5"]
            """));

        yield return ("hostaliases", Pod("hostaliases", $$"""
              terminationGracePeriodSeconds: 1
              hostAliases:
              - ip: 10.1.2.3
                hostnames: [foo.crishim.test, bar.crishim.test]
              containers:
              - name: app
                image: {{image}}
                command: [sh, -c, "cat /etc/hosts; echo resolved: $(getent hosts foo.crishim.test 2>/dev/null || grep foo.crishim.test /etc/hosts); exec sleep 3600"]
            """));

        yield return ("downward", Pod("downward", $$"""
              terminationGracePeriodSeconds: 1
              volumes:
              - name: podinfo
                downwardAPI:
                  items:
                  - path: labels
                    fieldRef: {fieldPath: metadata.labels}
                  - path: name
                    fieldRef: {fieldPath: metadata.name}
                  - path: cpu_limit
                    resourceFieldRef: {containerName: app, resource: limits.cpu, divisor: 1m}
              containers:
              - name: app
                image: {{image}}
                command: [sh, -c, "env | grep ^DW_ | sort; echo labels:; cat /etc/podinfo/labels; echo; echo name: $(cat /etc/podinfo/name); echo cpu: $(cat /etc/podinfo/cpu_limit); echo mount: $(grep /etc/podinfo /proc/mounts | cut -d' ' -f3); exec sleep 3600"]
                resources:
                  limits: {cpu: 250m, memory: 48Mi}
                env:
                - name: DW_POD_NAME
                  valueFrom: {fieldRef: {fieldPath: metadata.name} }
                - name: DW_NAMESPACE
                  valueFrom: {fieldRef: {fieldPath: metadata.namespace} }
                - name: DW_POD_IP
                  valueFrom: {fieldRef: {fieldPath: status.podIP} }
                - name: DW_NODE
                  valueFrom: {fieldRef: {fieldPath: spec.nodeName} }
                - name: DW_MEMORY_MI
                  valueFrom: {resourceFieldRef: {containerName: app, resource: limits.memory, divisor: 1Mi} }
                volumeMounts:
                - {name: podinfo, mountPath: /etc/podinfo}
            """));

        yield return ("sharepid", Pod("sharepid", $$"""
              terminationGracePeriodSeconds: 1
              shareProcessNamespace: true
              containers:
              - name: sleeper
                image: {{image}}
                command: [sleep, "3601"]
              - name: watcher
                image: {{image}}
                command: [sh, -c, "until ps -o pid,args | grep -q '[s]leep 3601'; do sleep 0.2; done; ps -o pid,args; exec sleep 3600"]
            """));

        yield return ("limits", Pod("limits", $$"""
              terminationGracePeriodSeconds: 1
              containers:
              - name: app
                image: {{image}}
                command: [sh, -c, "echo memory: $(cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max); echo cpu: $(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null || cat /sys/fs/cgroup/cpu.max); echo oom_score_adj: $(cat /proc/self/oom_score_adj); exec sleep 3600"]
                resources:
                  requests: {cpu: 500m, memory: 64Mi}
                  limits: {cpu: 500m, memory: 64Mi}
            """));

        yield return ("oom", Pod("oom", $$"""
              restartPolicy: Never
              containers:
              - name: hog
                image: {{image}}
                command: [sh, -c, "echo hogging; x=$(yes | head -c 200000000); echo survived"]
                resources:
                  limits: {memory: 32Mi}
            """));

        yield return ("sidecar", Pod("sidecar", $$"""
              terminationGracePeriodSeconds: 1
              initContainers:
              - name: proxy
                image: {{image}}
                restartPolicy: Always
                command: [sh, -c, "mkdir -p /www && echo from-the-sidecar > /www/index.html && exec httpd -f -p 8081 -h /www"]
              - name: after-proxy
                image: {{image}}
                command: [sh, -c, "for i in $(seq 100); do wget -qO- http://127.0.0.1:8081/ && exit 0; sleep 0.1; done; exit 1"]
              containers:
              - name: app
                image: {{image}}
                command: [sh, -c, "wget -qO- http://127.0.0.1:8081/; exec sleep 3600"]
            """));

        yield return ("hostport", Pod("hostport", $$"""
              terminationGracePeriodSeconds: 1
              containers:
              - name: web
                image: {{image}}
                command: [sh, -c, "mkdir -p /www && echo served-through-hostport > /www/index.html && exec httpd -f -p 8080 -h /www"]
                ports:
                - {containerPort: 8080, hostPort: {{node.HostPort}}, protocol: TCP}
            """));

        yield return ("hostname", Pod("hostname", $$"""
              terminationGracePeriodSeconds: 1
              containers:
              - name: app
                image: {{image}}
                command: [sh, -c, "echo hostname: $(hostname); exec sleep 3600"]
            """));

        yield return ("hostname-custom", Pod("hostname-custom", $$"""
              terminationGracePeriodSeconds: 1
              hostname: custom-host
              subdomain: sub
              containers:
              - name: app
                image: {{image}}
                command: [sh, -c, "echo hostname: $(hostname); grep custom-host /etc/hosts; exec sleep 3600"]
            """));

        yield return ("logs", Pod("logs", $$"""
              terminationGracePeriodSeconds: 1
              containers:
              - name: app
                image: {{image}}
                command: [sh, -c, "echo to-stderr >&2; sleep 1; echo first line; head -c {{LongLineLength}} /dev/zero | tr '\\0' x; echo; echo last line; exec sleep 3600"]
            """));

        yield return ("gc", Pod("gc", $$"""
              terminationGracePeriodSeconds: 1
              volumes:
              - name: scratch
                emptyDir: {medium: Memory}
              - name: info
                downwardAPI:
                  items:
                  - path: name
                    fieldRef: {fieldPath: metadata.name}
              containers:
              - name: app
                image: {{image}}
                command: [sh, -c, "echo running; exec sleep 3600"]
                volumeMounts:
                - {name: scratch, mountPath: /scratch}
                - {name: info, mountPath: /info}
            """));

        yield return ("image-volume", Pod("image-volume", $$"""
              terminationGracePeriodSeconds: 1
              volumes:
              - name: data
                image: {reference: {{node.VolumeImage}}, pullPolicy: IfNotPresent}
              containers:
              - name: app
                image: {{image}}
                command: [sh, -c, "cat /volume/data/greeting; echo files: $(ls /volume/data); touch /volume/data/new; echo mount: $(grep ' /volume ' /proc/mounts | cut -d' ' -f3,4); exec sleep 3600"]
                volumeMounts:
                - {name: data, mountPath: /volume}
            """));

        // hostUsers: false with a hostPath and an image volume: the kubelet picks the mapping, the runtime makes the namespace.
        yield return ("userns", Pod("userns", $$"""
              terminationGracePeriodSeconds: 1
              hostUsers: false
              volumes:
              - name: shared
                hostPath: {path: {{node.SharedHostPathDir}}, type: Directory}
              - name: data
                image: {reference: {{node.VolumeImage}}, pullPolicy: IfNotPresent}
              containers:
              - name: app
                image: {{image}}
                command: [sh, -c, "echo uid_map: $(cat /proc/self/uid_map); echo gid_map: $(cat /proc/self/gid_map); echo id: $(id -u):$(id -g); echo owners: $(stat -c %u:%g / /volume/data/greeting /volume/data/owned); echo from-userns-root > /shared/userns-root && echo from-userns-root > /in-rootfs && echo written; exec sleep 3600"]
                volumeMounts:
                - {name: shared, mountPath: /shared}
                - {name: data, mountPath: /volume}
            """));

        yield return ("hugepages", Pod("hugepages", $$"""
              terminationGracePeriodSeconds: 1
              containers:
              - name: app
                image: {{image}}
                command: [sh, -c, "echo running with hugepage limits; exec sleep 3600"]
                resources:
                  requests: {memory: 32Mi, hugepages-2Mi: "0"}
                  limits: {memory: 32Mi, hugepages-2Mi: "0"}
            """));
    }
}
