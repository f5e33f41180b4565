/* replay.c - the standalone main() shared by every harness: replays the
 * files and folders named on the command line through
 * LLVMFuzzerTestOneInput, so each corpus runs as an ordinary test under the
 * sanitizers. Not linked into libFuzzer builds, which bring their own main. */
#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX (4 * 1024 * 1024) /* bigger inputs are cut here */

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return 1;
	}
	uint8_t *buf = malloc(REPLAY_MAX);
	if (!buf) {
		fclose(f);
		return 1;
	}
	size_t len = fread(buf, 1, REPLAY_MAX, f);
	int bad = ferror(f) != 0;
	fclose(f);
	if (!bad)
		LLVMFuzzerTestOneInput(buf, len);
	else
		perror(path);
	free(buf);
	return bad;
}

/* A file, or every file in a folder and its subfolders (names starting
 * with a dot are skipped). Returns the number of failures. */
static int replay(const char *path, int depth)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		perror(path);
		return 1;
	}
	if (!S_ISDIR(st.st_mode))
		return replay_file(path);
	if (depth > 8) {
		fprintf(stderr, "%s: folders nested too deep\n", path);
		return 1;
	}
	DIR *d = opendir(path);
	if (!d) {
		perror(path);
		return 1;
	}
	int bad = 0, files = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		char sub[4096];
		int w = snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
		if (w < 0 || (size_t)w >= sizeof sub) {
			fprintf(stderr, "%s/%s: path too long\n", path, de->d_name);
			bad++;
			continue;
		}
		bad += replay(sub, depth + 1);
		files++;
	}
	closedir(d);
	if (depth == 0 && files == 0) {
		fprintf(stderr, "%s: empty corpus\n", path);
		bad++;
	}
	return bad;
}

int main(int argc, char **argv)
{
	int bad = 0;
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE-OR-FOLDER...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++)
		bad += replay(argv[i], 0);
	return bad != 0;
}
