//! Reading zstd input, every frame of it: `zstd` writes one frame, but `pzstd` and concatenated
//! files hold several, and stopping after the first would silently shorten a run.

use std::io::{self, BufRead, Read};

use ruzstd::decoding::StreamingDecoder;
use ruzstd::decoding::errors::FrameDecoderError;

/// Decompresses consecutive zstd frames from `source`.
pub struct ZstdFrames<R: BufRead> {
    decoder: Option<StreamingDecoder<R, ruzstd::decoding::FrameDecoder>>,
}

impl<R: BufRead> std::fmt::Debug for ZstdFrames<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ZstdFrames")
    }
}

fn invalid(error: &FrameDecoderError) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("bad zstd frame: {error}"))
}

impl<R: BufRead> ZstdFrames<R> {
    pub fn new(source: R) -> io::Result<ZstdFrames<R>> {
        Ok(ZstdFrames { decoder: Some(StreamingDecoder::new(source).map_err(|e| invalid(&e))?) })
    }
}

impl<R: BufRead> Read for ZstdFrames<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let Some(decoder) = self.decoder.as_mut() else { return Ok(0) };
            let n = decoder.read(buf)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            // This frame is done: another may follow.
            let mut source = self.decoder.take().expect("checked above").into_inner();
            if source.fill_buf()?.is_empty() {
                return Ok(0);
            }
            self.decoder = Some(StreamingDecoder::new(source).map_err(|e| invalid(&e))?);
        }
    }
}
