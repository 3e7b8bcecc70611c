# Quick start: `make demo` (set up, then run the main job headless) and `make test` (set up, then test).
PYTHON ?= python3
VENV := .venv
VENV50 := .venv-bpy50
PIP_FLAGS := -q --disable-pip-version-check
STAMP := $(VENV)/.conjure-requirements
STAMP50 := $(VENV50)/.conjure-requirements
# The Khronos glTF Validator (npm; needs Node.js), run by tests/test_glb.py on every kind of GLB Conjure writes.
GLTF_VALIDATOR := gltf-validator@2.0.0-dev.3.10
TOOLS := .tools
STAMP_NODE := $(TOOLS)/.$(GLTF_VALIDATOR)
# Infinigen in its own venv (it pins bpy 4.2 and numpy<2), only for benchmarks/infinigen_compare.py and infinigen_scene.py; ~1.5 GB.
VENV_INFG := .venv-infinigen
STAMP_INFG := $(VENV_INFG)/.conjure-requirements

.PHONY: setup demo test test-fast bench wheels extension clean infinigen-venv

# Blender-side wheels (OpenEXR, Pillow, pycocotools: requirements/blender-wheels.txt) for Blender's Python 3.11 on
# every platform blender_manifest.toml lists; build output, never committed. No dependencies: Blender has numpy.
WHEEL_PLATFORMS := manylinux_2_28_x86_64 macosx_11_0_arm64 macosx_10_15_x86_64 win_amd64
STAMP_WHEELS := wheels/.conjure-wheels

setup: $(STAMP) $(STAMP50) $(STAMP_NODE) $(STAMP_WHEELS)

$(STAMP): requirements/worker.txt backend/worker/requirements.txt requirements/dev.txt
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install $(PIP_FLAGS) -r requirements/worker.txt -r requirements/dev.txt
	touch $@

$(STAMP50): requirements/bpy50.txt
	test -x $(VENV50)/bin/python || $(PYTHON) -m venv $(VENV50)
	$(VENV50)/bin/pip install $(PIP_FLAGS) -r requirements/bpy50.txt
	touch $@

$(STAMP_NODE):
	npm install --prefix $(TOOLS) --no-save --no-package-lock --no-audit --no-fund --loglevel=error $(GLTF_VALIDATOR)
	touch $@

$(STAMP_INFG): requirements/infinigen.txt
	test -x $(VENV_INFG)/bin/python || python3.11 -m venv $(VENV_INFG)
	$(VENV_INFG)/bin/pip install $(PIP_FLAGS) -r requirements/infinigen.txt
	touch $@

infinigen-venv: $(STAMP_INFG)

demo: $(STAMP)
	$(VENV)/bin/python -m backend.cli demo --out out

test: setup
	CONJURE_BPY50_PYTHON=$(CURDIR)/$(VENV50)/bin/python $(VENV)/bin/python -m pytest -p no:cacheprovider tests

test-fast: $(STAMP) $(STAMP_NODE)
	$(VENV)/bin/python -m pytest -p no:cacheprovider -x -q tests -k "not extension"

bench: $(STAMP) $(STAMP_INFG)
	for f in benchmarks/[a-z]*.py; do echo "== $$f"; $(VENV)/bin/python $$f || exit 1; done

$(STAMP_WHEELS): requirements/blender-wheels.txt | $(STAMP)
	rm -rf wheels && mkdir -p wheels
	for p in $(WHEEL_PLATFORMS); do $(VENV)/bin/pip download $(PIP_FLAGS) --no-deps --only-binary=:all: \
	  --implementation cp --python-version 3.11 --platform $$p -d wheels -r requirements/blender-wheels.txt || exit 1; done
	touch $@

wheels: $(STAMP_WHEELS)

extension: $(STAMP) $(STAMP_WHEELS)
	mkdir -p build
	$(VENV)/bin/python $$($(VENV)/bin/python -c "import bpy, glob, os; print(glob.glob(os.path.join(os.path.dirname(bpy.__file__), '..', '..', 'addons_core', 'bl_pkg', 'cli', 'blender_ext.py'))[0])") build --split-platforms --source-dir . --output-dir build

clean:
	rm -rf out build wheels
