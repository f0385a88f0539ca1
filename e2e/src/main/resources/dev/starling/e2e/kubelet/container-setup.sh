# Written by the process kubelet (dev.starling.e2e.kubelet.ContainerCommand); regenerated on start.
#
# Runs in the container's fresh mount and UTS namespaces (unshare --mount --uts, propagation
# private) inside the pod's network namespace, and builds the container's root:
#   sh container-setup.sh ROOTFS HOSTNAME [bind SRC DST | bind-ro SRC DST | workdir DIR]... -- ARGV...
# then execs ARGV chrooted there, so the pid stays that of the container's main process.
# Mounts made here exist only in this namespace and vanish with the container's processes.
set -eu
_stl_root=$(realpath "$1")
_stl_hostname=$2
shift 2
_stl_path=${PATH:-/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin}
PATH=/usr/sbin:/usr/bin:/sbin:/bin

mount -t tmpfs -o mode=0755 starling-root "$_stl_root"

# The host's top-level program dirs: symlinks into /usr (Debian 12) are recreated, dirs bound.
for _stl_d in bin sbin lib lib32 lib64 libx32; do
  if [ -L "/$_stl_d" ]; then
    ln -s "$(readlink "/$_stl_d")" "$_stl_root/$_stl_d"
  elif [ -d "/$_stl_d" ]; then
    mkdir "$_stl_root/$_stl_d"
    mount --rbind "/$_stl_d" "$_stl_root/$_stl_d"
  fi
done

# /usr read-only, so that a container cannot change the host's programs.
mkdir "$_stl_root/usr"
mount --rbind /usr "$_stl_root/usr"
mount -o remount,bind,ro "$_stl_root/usr"

# /etc is the host's under a writable overlay: mount targets such as /etc/config can be created
# without touching the host. Without overlayfs, the host's /etc is bound as it is.
mkdir "$_stl_root/etc" "$_stl_root/.stl-etc"
mount -t tmpfs -o mode=0700 starling-etc "$_stl_root/.stl-etc"
mkdir "$_stl_root/.stl-etc/upper" "$_stl_root/.stl-etc/work"
if ! mount -t overlay -o "lowerdir=/etc,upperdir=$_stl_root/.stl-etc/upper,workdir=$_stl_root/.stl-etc/work" \
  starling-etc "$_stl_root/etc" 2>/dev/null; then
  mount --rbind /etc "$_stl_root/etc"
fi
umount -l "$_stl_root/.stl-etc"
rmdir "$_stl_root/.stl-etc"

# A private /dev with the usual devices, as a container runtime makes it.
mkdir "$_stl_root/dev"
mount -t tmpfs -o mode=0755,nosuid starling-dev "$_stl_root/dev"
for _stl_d in null zero full random urandom tty; do
  if [ -e "/dev/$_stl_d" ]; then
    touch "$_stl_root/dev/$_stl_d"
    mount --bind "/dev/$_stl_d" "$_stl_root/dev/$_stl_d"
  fi
done
mkdir "$_stl_root/dev/pts" "$_stl_root/dev/shm" "$_stl_root/dev/mqueue"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$_stl_root/dev/pts" 2>/dev/null || true
ln -s pts/ptmx "$_stl_root/dev/ptmx"
mount -t tmpfs -o mode=1777,nosuid,nodev starling-shm "$_stl_root/dev/shm"
ln -s /proc/self/fd "$_stl_root/dev/fd"
ln -s /proc/self/fd/0 "$_stl_root/dev/stdin"
ln -s /proc/self/fd/1 "$_stl_root/dev/stdout"
ln -s /proc/self/fd/2 "$_stl_root/dev/stderr"

mkdir "$_stl_root/sys"
mount --rbind /sys "$_stl_root/sys"
mkdir "$_stl_root/proc"
mount -t proc proc "$_stl_root/proc"
mkdir -m 1777 "$_stl_root/tmp"
mount -t tmpfs -o mode=1777 starling-tmp "$_stl_root/tmp"
mkdir -p "$_stl_root/run" "$_stl_root/root" "$_stl_root/home" "$_stl_root/opt" "$_stl_root/var/log"
mkdir -m 1777 "$_stl_root/var/tmp"
# Relative, so that paths under /var/run resolve inside the root before the chroot too.
ln -s ../run "$_stl_root/var/run"

_stl_wd=/
_stl_uid=
while [ $# -gt 0 ]; do
  case $1 in
    --)
      shift
      break
      ;;
    bind | bind-ro)
      _stl_src=$2
      _stl_dst=$_stl_root$3
      # An absolute symlink on the way would lead out of the root (onto the host): refuse.
      case $(realpath -m "$_stl_dst") in
        "$_stl_root" | "$_stl_root"/*) ;;
        *)
          echo "container-setup: mount target $3 leads out of the container's root" >&2
          exit 2
          ;;
      esac
      if [ -d "$_stl_src" ]; then
        mkdir -p "$_stl_dst"
      else
        mkdir -p "$(dirname "$_stl_dst")"
        [ -e "$_stl_dst" ] || touch "$_stl_dst"
      fi
      mount --rbind "$_stl_src" "$_stl_dst"
      if [ "$1" = bind-ro ]; then
        mount -o remount,bind,ro "$_stl_dst"
      fi
      shift 3
      ;;
    workdir)
      _stl_wd=$2
      shift 2
      ;;
    user)
      _stl_uid=$2
      _stl_gid=$3
      _stl_groups=$4
      shift 4
      ;;
    *)
      echo "container-setup: unknown mount spec: $1" >&2
      exit 2
      ;;
  esac
done

hostname "$_stl_hostname"
mkdir -p "$_stl_root$_stl_wd"
PATH=$_stl_path
unset _stl_d _stl_src _stl_dst _stl_hostname _stl_path
if [ -z "$_stl_uid" ]; then
  exec /usr/bin/unshare --root="$_stl_root" --wd="$_stl_wd" -- "$@"
fi
# Another user: setpriv changes it inside the root, and sets the death signal again, since a
# change of credentials clears it.
if [ "$_stl_groups" = - ]; then
  _stl_groups=--clear-groups
else
  _stl_groups=--groups=$_stl_groups
fi
exec /usr/bin/unshare --root="$_stl_root" --wd="$_stl_wd" -- \
  /usr/bin/setpriv --reuid="$_stl_uid" --regid="$_stl_gid" "$_stl_groups" --pdeathsig KILL -- "$@"
