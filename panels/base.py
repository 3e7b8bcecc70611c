"""What every Conjure panel shares: the N-panel tab."""


class ConjurePanel:
    bl_space_type = "VIEW_3D"
    bl_region_type = "UI"
    bl_category = "Conjure"

    @classmethod
    def poll(cls, context):
        return context.scene is not None and hasattr(context.scene, "conjure")
