#!/usr/bin/env python3
"""Export a SAM2 / SAM2.1 checkpoint to the four ONNX graphs @videoloom/sam2-bridge loads.

Uses the official `sam2` package as an installed library (https://github.com/facebookresearch/sam2,
`pip install sam2` or an editable install of that repository); nothing of it is copied here.
Writes, into OUT_DIR:
  image_encoder.onnx, mask_decoder.onnx, memory_encoder.onnx, memory_attention.onnx
  mask_decoder.safetensors  (decoder + prompt-encoder tokens + obj_ptr_proj + no_obj_ptr, SAM2 names)
  prompt_encoder.safetensors (Gaussian PE matrix, 4 point embeddings, not_a_point: box/point prompts)
  sam2-manifest.json        (variant, behaviour preset, graph files)

Usage:
  python3 tools/sam2/export_sam2.py --config configs/sam2.1/sam2.1_hiera_l.yaml \
      --checkpoint sam2.1_hiera_large.pt --out models/sam2.1-large [--preset sam2.1|sa2va] [--opset 17]

The graph contract (names, dtypes, shapes) is section 5 of the SAM2 reference in the docs; the
bridge checks it when it loads the graphs. Export fixes applied (reference section 5):
  * complex RoPE rewritten as real cos/sin rotations on channel pairs (2i, 2i+1);
  * Hiera's input-independent positional embedding precomputed as a constant (no `tile`);
  * scaled_dot_product_attention replaced by softmax(QK^T/sqrt(d))V where torch lacks it;
  * the decoder always outputs all 4 masks (multimask choice is left to TypeScript);
  * no dynamic count that may be 0 (prompt tokens K, pointers P) inside a Reshape target.
This tool is not run in tests or CI (no checkpoints there). Check an export by running the
bridge's end-to-end test pattern on a few frames against the official video predictor.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import tempfile

import torch
import torch.nn.functional as F
from torch import nn

GRAPH_FILES = {
    "image_encoder": "image_encoder.onnx",
    "mask_decoder": "mask_decoder.onnx",
    "memory_encoder": "memory_encoder.onnx",
    "memory_attention": "memory_attention.onnx",
}
PRESETS = {
    "sam2.1": {"bestOfThree": True, "fillAbsentWithNoObjScore": True, "storeMemoriesAsBfloat16": True, "fillHoleArea": 8},
    "sa2va": {"bestOfThree": True, "fillAbsentWithNoObjScore": False, "storeMemoriesAsBfloat16": True, "fillHoleArea": 0},
}
IMAGE_SIZE, EMBED_DIM, MEM_DIM, FEAT, LOW_RES = 1024, 256, 64, 64, 256


# ---------------------------------------------------------------------------------------------
# Export fixes (monkey patches on the installed package, applied before tracing)
# ---------------------------------------------------------------------------------------------

def patch_sdpa() -> None:
    """torch < 2.0 has no scaled_dot_product_attention; the math kernel is softmax(QK^T/sqrt(d))V."""
    if hasattr(F, "scaled_dot_product_attention") and torch.__version__ >= "2":
        return

    def sdpa(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False, **_):
        scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
        return torch.softmax(scores, dim=-1) @ v

    F.scaled_dot_product_attention = sdpa  # type: ignore[attr-defined]


def patch_rope(model: nn.Module) -> None:
    """Replace every RoPEAttention's complex rotation by real cos/sin tables (fixed 64x64 grid)."""
    from sam2.modeling.sam.transformer import RoPEAttention  # official module, used as a library

    for module in model.modules():
        if not isinstance(module, RoPEAttention):
            continue
        cis = module.compute_cis(end_x=FEAT, end_y=FEAT)  # complex [HW, d/2]
        module.register_buffer("rope_cos", cis.real.float().clone(), persistent=False)
        module.register_buffer("rope_sin", cis.imag.float().clone(), persistent=False)

        def forward(self, q, k, v, num_k_exclude_rope: int = 0):
            q = self._separate_heads(self.q_proj(q), self.num_heads)
            k = self._separate_heads(self.k_proj(k), self.num_heads)
            v = self._separate_heads(self.v_proj(v), self.num_heads)

            def rotate(x):  # x: [B, h, n*HW, d]; the table repeats per memory frame
                b, h, n, d = x.shape
                pairs = x.reshape(b, h, -1, FEAT * FEAT, d // 2, 2)
                real, imag = pairs[..., 0], pairs[..., 1]
                cos, sin = self.rope_cos, self.rope_sin
                out = torch.stack([real * cos - imag * sin, real * sin + imag * cos], dim=-1)
                return out.reshape(b, h, n, d)

            q = rotate(q)
            num_k_rope = k.size(-2) - num_k_exclude_rope
            k = torch.cat([rotate(k[:, :, :num_k_rope]), k[:, :, num_k_rope:]], dim=-2)
            attn = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1]), dim=-1)
            return self.out_proj(self._recombine_heads(attn @ v))

        module.forward = forward.__get__(module, RoPEAttention)


def patch_hiera_pos_embed(model: nn.Module) -> None:
    """Hiera's positional embedding depends only on the input size: precompute it (no `tile`)."""
    trunk = model.image_encoder.trunk
    constant = trunk._get_pos_embed((IMAGE_SIZE // 4, IMAGE_SIZE // 4)).detach().clone()
    trunk._get_pos_embed = lambda hw: constant  # type: ignore[method-assign]


# ---------------------------------------------------------------------------------------------
# The four stages (wrappers that call the official modules)
# ---------------------------------------------------------------------------------------------

class ImageEncoder(nn.Module):
    def __init__(self, sam):
        super().__init__()
        self.sam = sam

    def forward(self, image):
        backbone_out = self.sam.forward_image(image)  # applies conv_s0 / conv_s1 to levels 0 and 1
        _, feats, _, _ = self.sam._prepare_backbone_features(backbone_out)  # list of (HW, B, C)
        b = image.shape[0]
        vision = feats[-1].permute(1, 2, 0).reshape(b, EMBED_DIM, FEAT, FEAT)
        no_mem = vision + self.sam.no_mem_embed.reshape(1, EMBED_DIM, 1, 1)
        hr0 = feats[0].permute(1, 2, 0).reshape(b, EMBED_DIM // 8, 4 * FEAT, 4 * FEAT)
        hr1 = feats[1].permute(1, 2, 0).reshape(b, EMBED_DIM // 4, 2 * FEAT, 2 * FEAT)
        return vision, no_mem, hr0, hr1


class MaskDecoder(nn.Module):
    """[not_a_point, not_a_point] ++ prompt_embed (K tokens) -> all 4 masks, IoU, pointers, score."""

    def __init__(self, sam):
        super().__init__()
        self.sam = sam
        pe = sam.sam_prompt_encoder
        with torch.no_grad():
            # No clicks: one dummy point with label -1 plus the padding point, both `not_a_point`.
            sparse, _ = pe(points=(torch.zeros(1, 1, 2), -torch.ones(1, 1, dtype=torch.int32)), boxes=None, masks=None)
        self.register_buffer("no_click_tokens", sparse.detach().clone())  # [1, 2, C]
        self.register_buffer("dense_pe", pe.get_dense_pe().detach().clone())  # [1, C, 64, 64]

    def forward(self, image_embed, high_res_feat0, high_res_feat1, prompt_embed):
        b = image_embed.shape[0]
        sparse = torch.cat([self.no_click_tokens.expand(b, -1, -1), prompt_embed], dim=1)
        dense = self.sam.sam_prompt_encoder.no_mask_embed.weight.reshape(1, -1, 1, 1).expand(b, -1, FEAT, FEAT)
        masks, iou, mask_tokens, score = self.sam.sam_mask_decoder.predict_masks(
            image_embeddings=image_embed,
            image_pe=self.dense_pe,
            sparse_prompt_embeddings=sparse,
            dense_prompt_embeddings=dense,
            repeat_image=False,
            high_res_features=[high_res_feat0, high_res_feat1],
        )
        ptr = self.sam.obj_ptr_proj(mask_tokens)  # [B, 4, C]: one pointer per mask token
        if self.sam.pred_obj_scores:
            present = (score > 0).float().unsqueeze(-1)  # [B, 1, 1]
            if self.sam.fixed_no_obj_ptr:
                ptr = present * ptr
            ptr = ptr + (1 - present) * self.sam.no_obj_ptr
        return masks, iou, ptr, score


class MemoryEncoder(nn.Module):
    def __init__(self, sam):
        super().__init__()
        self.sam = sam

    def forward(self, vision_feat, mask_logits, object_score_logits):
        b = vision_feat.shape[0]
        high_res = F.interpolate(mask_logits, size=(IMAGE_SIZE, IMAGE_SIZE), mode="bilinear", align_corners=False)
        feats = [vision_feat.reshape(b, EMBED_DIM, FEAT * FEAT).permute(2, 0, 1)]
        maskmem, _ = self.sam._encode_new_memory(
            current_vision_feats=feats,
            feat_sizes=[(FEAT, FEAT)],
            pred_masks_high_res=high_res,
            object_score_logits=object_score_logits,
            is_mask_from_pts=False,
        )
        return maskmem


class MemoryAttention(nn.Module):
    def __init__(self, sam, vision_pos, maskmem_pos):
        super().__init__()
        self.sam = sam
        self.register_buffer("vision_pos", vision_pos)  # [HW, 1, C]
        self.register_buffer("maskmem_pos", maskmem_pos)  # [HW, 1, M]

    def forward(self, vision_feat, maskmem_features, maskmem_tpos_index, obj_ptrs, obj_ptr_tpos):
        sam = self.sam
        b = vision_feat.shape[0]
        hw = FEAT * FEAT
        curr = vision_feat.reshape(b, EMBED_DIM, hw).permute(2, 0, 1)
        # Spatial memories: (N*HW, B, M), positions = sine PE + learned temporal code.
        mem = maskmem_features.reshape(-1, b, MEM_DIM, hw).permute(0, 3, 1, 2).reshape(-1, b, MEM_DIM)
        tpos = sam.maskmem_tpos_enc[maskmem_tpos_index]  # [N, 1, 1, M]
        mem_pos = (self.maskmem_pos.unsqueeze(0) + tpos).expand(-1, -1, b, -1).reshape(-1, b, MEM_DIM)
        # Pointers: (P, B, C) -> (P*4, B, M); the count P may be 0, so it never enters a Reshape target.
        split = EMBED_DIM // MEM_DIM
        ptr_tokens = obj_ptrs.permute(1, 0, 2).reshape(b, -1, MEM_DIM).permute(1, 0, 2)
        if sam.add_tpos_enc_to_obj_ptrs:
            from sam2.modeling.sam2_utils import get_1d_sine_pe

            tpos_dim = EMBED_DIM if sam.proj_tpos_enc_in_obj_ptrs else MEM_DIM
            ptr_pos = sam.obj_ptr_tpos_proj(get_1d_sine_pe(obj_ptr_tpos, dim=tpos_dim))  # [P, M]
            ptr_pos = ptr_pos.unsqueeze(1).expand(-1, b, -1)
        else:
            ptr_pos = torch.zeros_like(obj_ptrs[..., :MEM_DIM])
        ptr_pos = ptr_pos.unsqueeze(1).expand(-1, split, -1, -1).reshape(-1, b, MEM_DIM)
        memory = torch.cat([mem, ptr_tokens], dim=0)
        memory_pos = torch.cat([mem_pos, ptr_pos], dim=0)
        out = sam.memory_attention(
            curr=[curr],
            curr_pos=[self.vision_pos.expand(-1, b, -1)],
            memory=memory,
            memory_pos=memory_pos,
            num_obj_ptr_tokens=ptr_tokens.shape[0],
        )
        return out.permute(1, 2, 0).reshape(b, EMBED_DIM, FEAT, FEAT)


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------

def export(module, args, names_in, names_out, dynamic, path, opset):
    tmp = f"{path}.{os.getpid()}.tmp"
    torch.onnx.export(module, args, tmp, input_names=names_in, output_names=names_out,
                      dynamic_axes=dynamic, opset_version=opset, do_constant_folding=True)
    os.replace(tmp, path)  # atomic: never leave half a graph


def write_decoder_weights(sam, path):
    from safetensors.torch import save_file

    prefixes = ("sam_mask_decoder.", "sam_prompt_encoder.not_a_point_embed", "sam_prompt_encoder.no_mask_embed",
                "sam_prompt_encoder.pe_layer.positional_encoding_gaussian_matrix", "obj_ptr_proj.", "no_obj_ptr")
    skip = ("sam_mask_decoder.conv_s0", "sam_mask_decoder.conv_s1")  # frozen, inside image_encoder.onnx
    state = {k: v.detach().float().contiguous() for k, v in sam.state_dict().items()
             if k.startswith(prefixes) and not k.startswith(skip)}
    config = {"transformerDim": 256, "depth": 2, "numHeads": 8, "mlpDim": 2048, "attentionDownsampleRate": 2,
              "selfAttentionDownsampleRate": 1, "hyperHiddenDim": 256, "iouHeadHiddenDim": 256,
              "objScoreHiddenDim": 256, "objPtrHiddenDim": 256, "featSize": FEAT}
    tmp = f"{path}.{os.getpid()}.tmp"
    save_file(state, tmp, metadata={"videoloom.mask_decoder_config": json.dumps(config)})
    os.replace(tmp, path)


def write_prompt_encoder_weights(sam, path):
    """The five small tensors the bridge's TypeScript prompt encoder needs for box/point keyframes."""
    from safetensors.torch import save_file

    names = ["sam_prompt_encoder.pe_layer.positional_encoding_gaussian_matrix",
             "sam_prompt_encoder.not_a_point_embed.weight",
             *[f"sam_prompt_encoder.point_embeddings.{k}.weight" for k in range(4)]]
    state = sam.state_dict()
    tmp = f"{path}.{os.getpid()}.tmp"
    save_file({n: state[n].detach().float().contiguous() for n in names}, tmp)
    os.replace(tmp, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", required=True, help="sam2 config name, e.g. configs/sam2.1/sam2.1_hiera_l.yaml")
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--preset", choices=sorted(PRESETS), default="sam2.1")
    parser.add_argument("--opset", type=int, default=17)
    args = parser.parse_args()

    from sam2.build_sam import build_sam2  # the installed official package

    patch_sdpa()
    sam = build_sam2(args.config, args.checkpoint, device="cpu", mode="eval")
    patch_rope(sam)
    patch_hiera_pos_embed(sam)
    os.makedirs(args.out, exist_ok=True)
    out = lambda name: os.path.join(args.out, name)  # noqa: E731

    with torch.no_grad():
        image = torch.randn(1, 3, IMAGE_SIZE, IMAGE_SIZE)
        backbone_out = sam.forward_image(image)
        _, _, vision_pos, _ = sam._prepare_backbone_features(backbone_out)
        vision, no_mem, hr0, hr1 = ImageEncoder(sam)(image)
        mask = torch.randn(1, 1, LOW_RES, LOW_RES)
        score = torch.ones(1, 1)
        _, maskmem_pos = sam._encode_new_memory(
            [vision.reshape(1, EMBED_DIM, -1).permute(2, 0, 1)], [(FEAT, FEAT)],
            F.interpolate(mask, size=(IMAGE_SIZE, IMAGE_SIZE), mode="bilinear", align_corners=False), score, False)
        maskmem_pos = maskmem_pos[-1][:1].reshape(1, MEM_DIM, -1).permute(2, 0, 1)

    export(ImageEncoder(sam), (image,), ["image"], ["vision_feat", "pix_feat_no_mem", "high_res_feat0", "high_res_feat1"],
           {n: {0: "B"} for n in ["image", "vision_feat", "pix_feat_no_mem", "high_res_feat0", "high_res_feat1"]},
           out(GRAPH_FILES["image_encoder"]), args.opset)
    export(MaskDecoder(sam), (no_mem, hr0, hr1, torch.randn(1, 1, EMBED_DIM)),
           ["image_embed", "high_res_feat0", "high_res_feat1", "prompt_embed"],
           ["low_res_masks", "iou_pred", "obj_ptr", "object_score_logits"],
           {"image_embed": {0: "B"}, "high_res_feat0": {0: "B"}, "high_res_feat1": {0: "B"},
            "prompt_embed": {0: "B", 1: "K"}, "low_res_masks": {0: "B"}, "iou_pred": {0: "B"},
            "obj_ptr": {0: "B"}, "object_score_logits": {0: "B"}},
           out(GRAPH_FILES["mask_decoder"]), args.opset)
    export(MemoryEncoder(sam), (vision, mask, score), ["vision_feat", "mask_logits", "object_score_logits"],
           ["maskmem_features"], {n: {0: "B"} for n in ["vision_feat", "mask_logits", "object_score_logits", "maskmem_features"]},
           out(GRAPH_FILES["memory_encoder"]), args.opset)
    attention = MemoryAttention(sam, vision_pos[-1][:, :1].detach().clone(), maskmem_pos.detach().clone())
    export(attention,
           (vision, torch.randn(2, 1, MEM_DIM, FEAT, FEAT), torch.tensor([6, 0]), torch.randn(3, 1, EMBED_DIM),
            torch.tensor([0.0, 1 / 15, 2 / 15])),
           ["vision_feat", "maskmem_features", "maskmem_tpos_index", "obj_ptrs", "obj_ptr_tpos"], ["pix_feat_with_mem"],
           {"vision_feat": {0: "B"}, "maskmem_features": {0: "N", 1: "B"}, "maskmem_tpos_index": {0: "N"},
            "obj_ptrs": {0: "P", 1: "B"}, "obj_ptr_tpos": {0: "P"}, "pix_feat_with_mem": {0: "B"}},
           out(GRAPH_FILES["memory_attention"]), args.opset)
    write_decoder_weights(sam, out("mask_decoder.safetensors"))
    write_prompt_encoder_weights(sam, out("prompt_encoder.safetensors"))

    variant = "sam2.1" if getattr(sam, "no_obj_embed_spatial", None) is not None else "sam2.0"
    manifest = {
        "format": "videoloom-sam2/1",
        "variant": variant,
        "preset": args.preset,
        "dims": {"imageSize": IMAGE_SIZE, "embedDim": EMBED_DIM, "memDim": MEM_DIM, "featSize": FEAT, "lowResSize": LOW_RES},
        "memory": {"numMaskmem": sam.num_maskmem, "maxObjPtrs": sam.max_obj_ptrs_in_encoder,
                   "maxCondFramesInAttn": sam.max_cond_frames_in_attn,
                   "memoryTemporalStride": getattr(sam, "memory_temporal_stride_for_eval", 1)},
        "behaviour": PRESETS[args.preset],
        "graphs": GRAPH_FILES,
        "decoderWeights": "mask_decoder.safetensors",
        "promptEncoderWeights": "prompt_encoder.safetensors",
        "source": f"{os.path.basename(args.checkpoint)} ({args.config}), exported with torch {torch.__version__}",
    }
    with tempfile.NamedTemporaryFile("w", dir=args.out, delete=False, suffix=".tmp") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    os.replace(f.name, out("sam2-manifest.json"))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
