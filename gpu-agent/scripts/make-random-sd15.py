# Builds a random-weight SD 1.5 checkpoint with ComfyUI's own model classes (ComfyUI detects it as
# SD15), so the real KSampler, progress and previews run without downloading weights; the pictures
# are noise. Run with ComfyUI's venv: COMFYUI_DIR/.venv/bin/python make-random-sd15.py OUT.safetensors
# (COMFYUI_DIR defaults to /work/comfyui).
import os, sys, torch
sys.path.insert(0, os.environ.get('COMFYUI_DIR', '/work/comfyui'))
import comfy.cli_args
comfy.cli_args.args.cpu = True
import comfy.supported_models, comfy.model_base, comfy.sd1_clip, comfy.ldm.models.autoencoder as ae
from comfy.ldm.modules.diffusionmodules.openaimodel import UNetModel
from safetensors.torch import save_file
torch.manual_seed(0)
cfg = dict(comfy.supported_models.SD15.unet_config)
unet_config = {'use_checkpoint': False, 'image_size': 32, 'out_channels': 4, 'use_spatial_transformer': True, 'legacy': False,
 'adm_in_channels': None, 'in_channels': 4, 'model_channels': 320, 'num_res_blocks': [2,2,2,2], 'transformer_depth': [1,1,1,1,1,1,0,0],
 'channel_mult': [1,2,4,4], 'transformer_depth_middle': 1, 'use_linear_in_transformer': False, 'context_dim': 768, 'num_heads': 8,
 'transformer_depth_output': [1,1,1,1,1,1,1,1,1,0,0,0], 'use_temporal_attention': False, 'use_temporal_resblock': False}
unet = UNetModel(**unet_config, dtype=torch.float16, device='cpu')
sd = {f'model.diffusion_model.{k}': v.half() for k, v in unet.state_dict().items()}
ddconfig = {'double_z': True, 'z_channels': 4, 'resolution': 256, 'in_channels': 3, 'out_ch': 3, 'ch': 128, 'ch_mult': [1,2,4,4], 'num_res_blocks': 2, 'attn_resolutions': [], 'dropout': 0.0}
vae = ae.AutoencoderKL(ddconfig=ddconfig, embed_dim=4)
sd.update({f'first_stage_model.{k}': v.half() for k, v in vae.state_dict().items()})
clip = comfy.sd1_clip.SDClipModel(device='cpu', dtype=torch.float16)
sd.update({f'cond_stage_model.{k}': v.half() for k, v in clip.state_dict().items()})
save_file({k: v.contiguous() for k, v in sd.items()}, sys.argv[1])
print('saved', len(sd), 'tensors')
